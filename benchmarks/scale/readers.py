"""Simulated live-page readers and one editor, on one asyncio loop.

Each reader polls the feed's delta URL the way ``live.js`` does: ``?since=<cursor>`` every
``POLL_INTERVAL`` seconds, at once again while ``has_more``, following the cursor each answer
gives, with ``If-None-Match`` when it asks for the same URL again (as the browser's cache does),
and backing off with jitter after an error. Each reader keeps one keep-alive connection and, like a
browser, retries once on a fresh connection when a reused one turns out closed. The editor posts an
entry every ``--post-every`` seconds to an app server directly.

Writes one JSON file: every poll's time and outcome, every post, and when each reader first saw
each entry. ``report.py`` reads it.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import random
import time
from typing import Any


class Closed(ConnectionError):
    """The server closed a reused connection before answering."""


class Connection:
    """A minimal HTTP/1.1 client connection: enough for JSON polls through Varnish or gunicorn."""

    def __init__(self, port: int, host: str = "localhost") -> None:
        self.port = port
        self.host = host
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        reused = self.writer is not None
        try:
            return await self._exchange(method, path, headers, body, reused)
        except Closed:
            self.close()
            return await self._exchange(method, path, headers, body, False)

    async def _exchange(
        self, method: str, path: str, headers: dict[str, str], body: bytes, reused: bool
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body:
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        try:
            await self.writer.drain()
            status_line = await self.reader.readline()
        except ConnectionError:
            status_line = b""
        if not status_line:
            self.close()
            if reused:
                raise Closed
            raise ConnectionError("no answer")
        status = int(status_line.split()[1])
        answer: dict[str, str] = {}
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            answer[name.strip().lower()] = value.strip()
        if "content-length" in answer:
            content = await self.reader.readexactly(int(answer["content-length"]))
        elif answer.get("transfer-encoding") == "chunked":
            content = b""
            while size := int((await self.reader.readline()).strip(), 16):
                content += await self.reader.readexactly(size + 2)
                content = content[:-2]
            await self.reader.readline()
        else:
            content = await self.reader.read()
            answer["connection"] = "close"
        if answer.get("connection", "").lower() == "close":
            self.close()
        return status, answer, content


class Run:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.polls: list[tuple[float, int, Any]] = []  # (time, reader, status or error name)
        self.posts: list[dict[str, Any]] = []
        self.seen: list[dict[int, float]] = [{} for _ in range(args.readers)]

    def port_of(self, reader: int) -> int:
        ports = self.args.ports
        return ports[reader % len(ports)]

    async def reader(self, number: int) -> None:
        args = self.args
        delta = f"/api/newsfeed/v1/feeds/{args.feed}/entries/"
        cursor = args.cursor
        etag: tuple[str, str] | None = None  # (url, ETag) of the last answer
        failures = 0
        connection = Connection(self.port_of(number))
        await asyncio.sleep(max(0.0, args.start - time.time()) + random.uniform(0, args.interval))
        while time.time() < args.end:
            url = f"{delta}?since={cursor}"
            # As a browser's live page asks: the shipped VCL keeps text gzipped.
            headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
            if etag and etag[0] == url:
                headers["If-None-Match"] = etag[1]
            started = time.time()
            try:
                status, answer, body = await asyncio.wait_for(
                    connection.request("GET", url, headers), timeout=30
                )
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as e:
                connection.close()
                status, answer, body = type(e).__name__, {}, b""
            self.polls.append((started, number, status))
            if status == 304:
                failures = 0
                await asyncio.sleep(args.interval)
                continue
            if status != 200:
                failures += 1
                delay = min(60.0, args.interval * 2**failures)
                await asyncio.sleep(delay / 2 + random.random() * delay / 2)
                continue
            failures = 0
            if answer.get("content-encoding") == "gzip":
                body = gzip.decompress(body)
            delta_answer = json.loads(body)
            now = time.time()
            for row in delta_answer["results"]:
                if not row.get("deleted"):
                    self.seen[number].setdefault(row["id"], now)
            if "etag" in answer:
                etag = (url, answer["etag"])
            cursor = delta_answer["cursor"]
            if not delta_answer["has_more"]:
                await asyncio.sleep(args.interval)

    async def editor(self) -> None:
        args = self.args
        path = f"/api/newsfeed/v1/feeds/{args.feed}/entries/"
        headers = {"Authorization": f"Token {args.token}", "Content-Type": "application/json"}
        number = 0
        await asyncio.sleep(max(0.0, args.start - time.time()))
        while time.time() < args.end - args.interval - 2:
            number += 1
            body = {
                "headline": f"Scale update {number}",
                "body": [{"type": "paragraph", "value": f"<p>Update {number}.</p>"}],
            }
            sent = time.time()
            post: dict[str, Any] = {"sent": sent}
            try:
                status, answer, content = await asyncio.wait_for(
                    Connection(args.editor_port).request(
                        "POST", path, headers, json.dumps(body).encode()
                    ),
                    timeout=30,
                )
                post.update(status=status, retry_after="retry-after" in answer)
                if status == 201:
                    post["id"] = json.loads(content)["id"]
            except (TimeoutError, OSError, asyncio.IncompleteReadError) as e:
                post.update(status=type(e).__name__, retry_after=False)
            post["done"] = time.time()
            self.posts.append(post)
            await asyncio.sleep(max(0.0, sent + args.post_every - time.time()))

    async def main(self) -> None:
        tasks = [self.reader(n) for n in range(self.args.readers)]
        await asyncio.gather(self.editor(), *tasks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports", type=int, nargs="+", help="where readers poll (split evenly)")
    parser.add_argument("--editor-port", type=int, required=True)
    parser.add_argument("--feed", type=int, required=True)
    parser.add_argument("--cursor", required=True, help="the live page's cursor when loaded")
    parser.add_argument("--token", required=True)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=5.0, help="POLL_INTERVAL")
    parser.add_argument("--post-every", type=float, default=2.0)
    parser.add_argument("--start", type=float, required=True, help="epoch seconds")
    parser.add_argument("--end", type=float, required=True, help="epoch seconds")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    run = Run(args)
    asyncio.run(run.main())
    with open(args.out, "w") as out:
        json.dump({"polls": run.polls, "posts": run.posts, "seen": run.seen}, out)


if __name__ == "__main__":
    main()
