"""Starting, talking to and stopping ``varnishd`` with the shipped VCL, in front of test servers.

The VCL is used as shipped; only its two backend ports are replaced by the test servers' ports.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.processes.harness import ROOT, ProcessFailure, Response, _die_with_parent, tail

SHIPPED_VCL = ROOT / "example_site" / "deploy" / "varnish.vcl"
SHIPPED_PORTS = ("8001", "8002")
#: The host readers ask for: the default Wagtail site's, so purged URLs name the same host.
HOST = "localhost"


def varnishd() -> str | None:
    return shutil.which("varnishd") or next(
        (path for path in ("/usr/sbin/varnishd",) if Path(path).exists()), None
    )


def varnishstat() -> str:
    return shutil.which("varnishstat") or "/usr/bin/varnishstat"


def varnishadm() -> str:
    return shutil.which("varnishadm") or "/usr/bin/varnishadm"


def free_port() -> int:
    """A port nothing listens on now (Varnish must be named before the servers start, so the
    servers can be told where to send purges; the window for a race is a fraction of a second)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def vcl_for(ports: list[int], vcl: Path = SHIPPED_VCL) -> str:
    """The shipped VCL (or ``vcl``, a variant of it) with its backends pointed at ``ports``."""
    text = vcl.read_text()
    for shipped, port in zip(SHIPPED_PORTS, ports, strict=True):
        line = f'.port = "{shipped}";'
        assert text.count(line) == 1, f"the shipped VCL should have one backend on {shipped}"
        text = text.replace(line, f'.port = "{port}";')
    return text


class Varnish:
    """``varnishd`` in the foreground, in a work folder of its own (``-n``), listening on
    ``port``. ``-j none``: no privilege separation, so it runs as whoever runs the tests and
    reads the VCL from the test's temporary folder."""

    name = "varnishd"

    def __init__(
        self, folder: Path, port: int, backend_ports: list[int], *, vcl: Path = SHIPPED_VCL
    ) -> None:
        self.port = port
        self.workdir = folder / "varnishd"
        self.log = folder / "varnishd.log"
        written = folder / "varnish.vcl"
        written.write_text(vcl_for(backend_ports, vcl))
        command = [varnishd() or "varnishd", "-F", "-j", "none", "-n", str(self.workdir)]
        command += ["-a", f"127.0.0.1:{port}", "-f", str(written), "-s", "malloc,64m"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

    def __str__(self) -> str:
        return f"varnishd (127.0.0.1:{self.port})"

    def wait_until_serving(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise ProcessFailure(f"{self} exited:\n{tail(self.log)}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            if time.monotonic() > deadline:
                raise ProcessFailure(f"{self} did not start in time:\n{tail(self.log)}")
            time.sleep(0.05)

    def request(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str] | None = None,
        body: str | None = None,
        source: str = "127.0.0.1",
    ) -> Response:
        """One request as a reader's browser sends it (``Host: localhost``), from ``source``."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            connection.request(method, path, body, headers={"Host": HOST, **(headers or {})})
            answer = connection.getresponse()
            body = answer.read()
        finally:
            connection.close()
        return Response(method, f"varnish:{path}", answer.status, body, dict(answer.getheaders()))

    def get(self, path: str, **kwargs: Any) -> Response:
        return self.request("GET", path, **kwargs)

    def cached(self, path: str, **kwargs: Any) -> Response:
        """GET ``path`` until Varnish answers it from its cache, and return that hit: what
        readers now see. Fails if it is not cacheable, so no test passes by never caching."""
        first = self.get(path, **kwargs)
        assert first.status == 200, f"warming up: {first}"
        hit = self.get(path, **kwargs)
        assert hit.headers.get("X-Cache") == "HIT", (
            f"{path} is not cached by Varnish: Cache-Control "
            f"{first.headers.get('Cache-Control')!r}, X-Cache {hit.headers.get('X-Cache')!r}"
        )
        return hit

    def fresh(self, path: str) -> Response:
        """The next reader's answer, which must come from the app, not from a purged copy."""
        response = self.get(path)
        assert response.headers.get("X-Cache") != "HIT", f"{path} was not purged: {response}"
        return response

    def counters(self) -> dict[str, int]:
        """Varnish's counters now (``varnishstat -1``), by name: ``MAIN.busy_sleep``, and
        ``VBE.<vcl>.<backend>.req``, which counts a fetch as soon as it is sent to the app."""
        command = [varnishstat(), "-1", "-n", str(self.workdir)]
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True)
        return {
            fields[0]: int(fields[1])
            for fields in (line.split() for line in out.stdout.splitlines())
            if len(fields) > 1 and fields[1].isdigit()
        }

    def backend_health(self) -> dict[str, str]:
        """Each backend's health as its probes decide it (``varnishadm backend.list``): backend
        name (``app1``, ``app2``) -> ``healthy`` or ``sick``."""
        command = [varnishadm(), "-n", str(self.workdir), "backend.list"]
        out = subprocess.run(command, capture_output=True, text=True, timeout=10, check=True)
        health = {}
        for line in out.stdout.splitlines()[1:]:  # after the header line
            fields = line.split()
            if len(fields) >= 4:
                name = fields[0].rpartition(".")[2]  # boot.app1 -> app1
                health[name] = next((f for f in fields if f in ("healthy", "sick")), fields[3])
        return health

    def wait_for_health(self, backend: str, wanted: str, timeout: float = 15) -> float:
        """Seconds until ``backend``'s probes make it ``wanted``; fails after ``timeout``."""
        start = time.monotonic()
        while (health := self.backend_health().get(backend)) != wanted:
            assert time.monotonic() - start < timeout, f"{backend} still {health}, not {wanted}"
            time.sleep(0.1)
        return time.monotonic() - start

    def stop(self) -> None:
        """SIGTERM to the manager and its cache child (one process group), SIGKILL if stuck."""
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, None)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=wait)
                return


@contextlib.contextmanager
def varnish_in_front_of(
    folder: Path, ports: list[int], *, vcl: Path = SHIPPED_VCL
) -> Iterator[Varnish]:
    """A Varnish of its own with the shipped VCL (or ``vcl``) in front of ``ports``, for tests
    that take its backends away or make them fail, or need counters of their own."""
    folder.mkdir()
    proxy = Varnish(folder, free_port(), ports, vcl=vcl)
    try:
        proxy.wait_until_serving()
        yield proxy
    finally:
        proxy.stop()
