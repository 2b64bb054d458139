"""Starting, talking to and stopping the real processes: a database made for the test session,
``manage.py migrate``, gunicorn servers on free loopback ports, and the seeding helper.

Migrating costs 13 to 20 seconds of CPU, and a run starts several sites (process tests, Varnish,
the bylines migration check): one migrated template per test run (``RUN_DIR``, made by the first
process to need it) is copied for each, a file copy on SQLite and ``CREATE DATABASE ... TEMPLATE``
on PostgreSQL.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import fcntl
import http.client
import json
import os
import secrets
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url

from tests.processes.gunicorn_conf import READY

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SETTINGS_MODULE = "tests.processes.settings"
START_TIMEOUT = 60  # seconds for a process to come up (Django and Wagtail import slowly)
LOG_TAIL_LINES = 30

#: A folder shared by every process of one test run (pytest-xdist's workers too), set by the
#: main process's ``pytest_configure`` (``tests/conftest.py``): the migrated template lives there.
RUN_DIR = "NEWSFEED_TEST_RUN_DIR"

#: Servers and the helper while they run, for failure reports (conftest).
RUNNING: list[Server | Helper] = []


class ProcessFailure(AssertionError):
    """A process did not start or answer; the message carries its log's tail."""


def tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: have the kernel kill the child if the test run dies without cleaning up."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


# The database --------------------------------------------------------------------------------


def configured_database() -> dict[str, Any]:
    """What ``DATABASE_URL`` says (SQLite when unset), as the in-process tests read it."""
    return dj_database_url.config(default="sqlite://:memory:")


def database_is_sqlite() -> bool:
    return configured_database()["ENGINE"] == "django.db.backends.sqlite3"


def run_dir() -> Path:
    """The test run's shared folder (a process of its own when pytest did not set one)."""
    if not os.environ.get(RUN_DIR):
        os.environ[RUN_DIR] = tempfile.mkdtemp(prefix="newsfeed-run-")
    return Path(os.environ[RUN_DIR])


def _postgres_server() -> Any:
    return urlsplit(os.environ["DATABASE_URL"])._replace(scheme="postgresql")


def _postgres_admin() -> Any:
    import psycopg

    return psycopg.connect(_postgres_server()._replace(path="/postgres").geturl(), autocommit=True)


@contextlib.contextmanager
def template_lock() -> Iterator[None]:
    """Held while the run's migrated template is looked up or made: by the process tests here,
    and by the test workers, which copy their own databases from it (tests/worker_databases.py)."""
    with (run_dir() / "template.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield


def database_name(url: str) -> str:
    """The database a URL of ours names: a SQLite file's path, or a PostgreSQL database's name."""
    if url.startswith("sqlite"):
        return dj_database_url.parse(url)["NAME"]
    return urlsplit(url).path.lstrip("/")


def drop_template() -> None:
    """Drop the run's PostgreSQL template, if one was made (the main process, at the end)."""
    made = run_dir() / "template.url"
    if not made.exists() or not made.read_text().startswith("postgresql:"):
        return
    from psycopg import sql

    name = database_name(made.read_text())
    with _postgres_admin() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@dataclass
class Database:
    """A fresh database shared by every process of the session: a SQLite file, or a PostgreSQL
    database created on the ``DATABASE_URL``'s server; ``migrated`` when copied from the run's
    template (``migrate`` then has nothing to do)."""

    url: str
    _drop: Any = None
    migrated: bool = False

    @classmethod
    def create(cls, folder: Path, *, migrated: bool = True) -> Database:
        engine = configured_database()["ENGINE"]
        template = cls._template() if migrated else None
        if engine == "django.db.backends.sqlite3":
            path = folder / "db.sqlite3"
            if template:
                shutil.copyfile(database_name(template), path)
            return cls(url=f"sqlite:///{path}", migrated=template is not None)
        if engine == "django.db.backends.postgresql":
            return cls._create_postgresql(template)
        raise ProcessFailure(f"No process tests for this DATABASE_URL's engine: {engine}")

    @classmethod
    def _template(cls) -> str:
        """The URL of the run's migrated database, migrated here if no process has done it."""
        folder = run_dir()
        with template_lock():
            made = folder / "template.url"
            if made.exists():
                return made.read_text()
            (folder / "template").mkdir(exist_ok=True)
            database = cls.create(folder / "template", migrated=False)
            site = Site(database=database, media_root=folder / "template", log_dir=folder)
            site.start_migrating()
            site.wait_until_migrated()
            made.write_text(database.url)
            return database.url

    @classmethod
    def _create_postgresql(cls, template: str | None = None) -> Database:
        from psycopg import sql

        server = _postgres_server()
        name = f"newsfeed_processes_{os.getpid()}_{secrets.token_hex(3)}"

        create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            source = database_name(template)
            create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(source)
            )
        with _postgres_admin() as connection:
            connection.execute(create)

        def drop() -> None:
            with _postgres_admin() as connection:
                # FORCE: a server killed mid-request may leave a connection behind.
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

        return cls(
            url=server._replace(path=f"/{name}").geturl(), _drop=drop, migrated=template is not None
        )

    def drop(self) -> None:
        if self._drop is not None:
            self._drop()


@dataclass
class Site:
    """The environment every process of the session runs with."""

    database: Database
    media_root: Path
    log_dir: Path
    _migration: subprocess.Popen | None = field(default=None, repr=False)
    #: Set last, over everything else (``with_env``).
    extra_env: dict[str, str] = field(default_factory=dict)

    def with_env(self, **extra: str) -> Site:
        """This site with more environment, e.g. ``REDIS_URL``, for the processes started with
        it (the same database, media folder, logs and migration)."""
        return dataclasses.replace(self, extra_env={**self.extra_env, **extra})

    def env(self) -> dict[str, str]:
        env = {
            name: value
            for name, value in os.environ.items()
            # No REDIS_URL: each process gets Django's default local-memory cache.
            if name not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH", "DEBUG"}
        }
        env.update(
            DATABASE_URL=self.database.url,
            MEDIA_ROOT=str(self.media_root),
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "example_site")]),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def start_migrating(self) -> None:
        """``manage.py migrate`` in the background: the other processes start meanwhile (nothing
        to do for a copy of the run's migrated template)."""
        if self.database.migrated:
            return
        with self.migrate_log.open("wb") as out:
            self._migration = subprocess.Popen(
                [sys.executable, "example_site/manage.py", "migrate", "--noinput", "-v0"],
                cwd=ROOT,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )

    def wait_until_migrated(self) -> None:
        """Call before anything touches the database."""
        if self._migration is None and self.database.migrated:
            return
        try:
            returncode = self._migration.wait(timeout=600)
        except subprocess.TimeoutExpired:
            self._migration.kill()
            raise
        if returncode:
            raise ProcessFailure(f"manage.py migrate failed:\n{tail(self.migrate_log)}")

    def stop_migrating(self) -> None:
        if self._migration is not None and self._migration.poll() is None:
            self._migration.kill()
            self._migration.wait()

    @property
    def migrate_log(self) -> Path:
        return self.log_dir / "migrate.log"


# HTTP ----------------------------------------------------------------------------------------


@dataclass
class Response:
    method: str
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(repr=False)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise AssertionError(f"{self}: not JSON") from None

    def __str__(self) -> str:
        return f"{self.method} {self.url} -> {self.status} {self.body[:200]!r}"


class Server:
    """One gunicorn master (``workers`` sync workers) serving the example site on 127.0.0.1.

    The listening socket is bound here, on a free port, and handed to gunicorn as ``fd://``, so
    there is no race for the port and connections made while it boots wait in the backlog.
    """

    def __init__(self, site: Site, name: str, *, workers: int = 1) -> None:
        self.name = name
        self.workers = workers
        self.log = site.log_dir / f"{name.replace(' ', '-')}.log"
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "example_site.wsgi:application",
            "--bind",
            f"fd://{listener.fileno()}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            # Load the site once in the master and fork the workers: they start in milliseconds
            # instead of each importing Django and Wagtail. Each still has its own cache and
            # database connections, opened after the fork.
            "--preload",
            "--config",
            str(HERE / "gunicorn_conf.py"),
            "--log-level",
            "info",
            "--access-logfile",
            "-",
            # The worker's pid on each line tells which process answered.
            "--access-logformat",
            'pid=%(p)s "%(r)s" %(s)s',
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=site.env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
                start_new_session=True,  # its own process group: master and workers stop together
                preexec_fn=_die_with_parent,
            )
        listener.close()

    def __str__(self) -> str:
        return f"{self.name} (127.0.0.1:{self.port})"

    def wait_for_workers(self, deadline: float) -> None:
        """Every worker is up (has loaded the site and is about to accept)."""
        while True:
            if self.process.poll() is not None:
                raise ProcessFailure(
                    f"{self} exited with {self.process.returncode}:\n{tail(self.log)}"
                )
            if self.log.read_text(errors="replace").count(READY) >= self.workers:
                break
            if time.monotonic() > deadline:
                raise ProcessFailure(f"{self} did not start in time:\n{tail(self.log)}")
            time.sleep(0.05)

    def check_answers(self) -> None:
        """A request that reads the database answers (the feed list: nothing keeps it in a
        cache, so this leaves the caches the tests look at empty)."""
        response = self.get("/api/newsfeed/v1/feeds/")
        if response.status != 200:
            raise ProcessFailure(f"{self} is up but answers {response}:\n{tail(self.log)}")

    def connect(self, timeout: float = 30) -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        headers: dict[str, str] | None = None,
        connection: http.client.HTTPConnection | None = None,
    ) -> Response:
        """One request on a connection of its own (or on ``connection``, then closed)."""
        connection = connection or self.connect()
        sent = {"Accept": "application/json", **(headers or {})}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        try:
            connection.request(method, path, payload, sent)
            answer = connection.getresponse()
            content = answer.read()
        except OSError as error:
            raise ProcessFailure(
                f"{self}: {method} {path} failed: {error!r}\n{tail(self.log)}"
            ) from error
        finally:
            connection.close()
        return Response(
            method, f"{self.name}:{path}", answer.status, content, dict(answer.getheaders())
        )

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def worker_pids(self, request_line: str) -> set[str]:
        """Pids of the workers whose access-log lines contain ``request_line``."""
        return {
            line.split()[0].removeprefix("pid=").strip("<>")
            for line in self.log.read_text(errors="replace").splitlines()
            if line.startswith("pid=") and request_line in line
        }

    def terminate(self) -> None:
        """SIGTERM to master and workers: idle sync workers exit at once."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)

    def wait_stopped(self) -> None:
        """Give the master a second (it can take a few to notice its workers are gone), then
        SIGKILL the whole process group, so nothing is left whatever state it was in."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


def start_servers(site: Site, specs: Iterable[tuple[str, int]], started: list[Server]) -> None:
    """Start servers ``(name, workers)`` side by side and wait for all of them. Each is appended
    to ``started`` as soon as it exists, so the caller can stop it even if another fails."""
    for name, workers in specs:
        started.append(Server(site, name, workers=workers))
    deadline = time.monotonic() + START_TIMEOUT
    for server in started:
        server.wait_for_workers(deadline)
    site.wait_until_migrated()
    for server in started:
        server.check_answers()


def stop_servers(servers: Iterable[Server]) -> None:
    servers = list(servers)
    for server in servers:
        server.terminate()
    for server in servers:
        server.wait_stopped()


def serve(request: Any, site: Site, *specs: tuple[str, int]) -> list[Server]:
    """Start servers ``(name, workers)`` that stop when the requesting fixture's scope ends."""
    started: list[Server] = []

    def stop() -> None:
        for server in started:
            if server in RUNNING:
                RUNNING.remove(server)
        stop_servers(started)

    request.addfinalizer(stop)
    start_servers(site, specs, started)
    RUNNING.extend(started)
    return started


# The seeding helper --------------------------------------------------------------------------


class Helper:
    """The third process (``tests/processes/helper.py``): call it like a function."""

    def __init__(self, site: Site, name: str = "helper") -> None:
        self.site = site
        self.name = name
        self._newsroom: dict[str, Any] | None = None
        self.log = site.log_dir / f"{name.replace(' ', '-')}.log"
        with self.log.open("wb") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.processes.helper"],
                cwd=ROOT,
                env=site.env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                preexec_fn=_die_with_parent,
            )

    def __str__(self) -> str:
        return f"{self.name} process"

    def __call__(self, command: str, timeout: float = START_TIMEOUT, **args: Any) -> Any:
        if command != "ping":
            self.site.wait_until_migrated()
        try:
            self.process.stdin.write(json.dumps({"command": command, "args": args}) + "\n")
            self.process.stdin.flush()
        except BrokenPipeError:
            raise ProcessFailure(f"The helper has exited:\n{tail(self.log)}") from None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            raise ProcessFailure(f"The helper did not answer {command!r}:\n{tail(self.log)}")
        reply = json.loads(line)
        if "error" in reply:
            raise ProcessFailure(f"The helper failed on {command}({args}):\n{reply['error']}")
        return reply["result"]

    def newsroom(self) -> dict[str, Any]:
        """The session's news index and write token, made on first use."""
        if self._newsroom is None:
            self._newsroom = self("newsroom")
        return self._newsroom

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()  # end of input: it returns from main() and exits
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


# A Redis of the test's own ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A ``redis-server`` of the test's own on a free loopback port (never a shared one), that
    the test may stop, hang and start again. Its data is saved to ``folder`` on a stop and
    loaded on the next start, as a production Redis keeps it across a restart."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.log = folder / "redis.log"
        self.process: subprocess.Popen | None = None

    def __str__(self) -> str:
        return f"redis-server (127.0.0.1:{self.port})"

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> Any:
        import redis

        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        command += ["--dbfilename", "dump.rdb", "--logfile", str(self.log)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        deadline = time.monotonic() + 10
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe,
            ):
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise ProcessFailure(f"{self} did not start:\n{tail(self.log)}")
            time.sleep(0.02)

    def stop(self) -> None:
        """Save what it holds and exit (``SHUTDOWN SAVE``)."""
        if self.process is None or self.process.poll() is not None:
            return
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=5) as connection,
        ):
            connection.sendall(b"SHUTDOWN SAVE\r\n")
            connection.recv(64)  # returns when it closes the connection, having saved
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def hang(self) -> None:
        """Freeze it (SIGSTOP): connections are accepted, commands never answered."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait()
