"""The spectators of bench/day.py: closed-loop HTTP/1.1 clients on asyncio, standard library only.

    python bench/load.py SPEC.json OUT.jsonl

SPEC is ``{"start_at": <time.monotonic() to begin>, "seconds": s, "clients": [{"urls":
[[key, url], ...], "parse": {key: "progress" | "played"}}, ...]}``. Every client is one
connection-at-a-time visitor with no think time: it asks for its URLs in turn, from
``start_at`` for ``seconds``, and starts over on a new connection whenever the server closes
(gunicorn's sync workers close after every answer; threaded ones keep the connection). Each
answer is one line of OUT: ``[key, sent, received, status, counter]``, times on the system's
monotonic clock (the same clock in every process on Linux, so day.py can compare them with its
writers' times); ``counter`` is read from the body for the keys in ``parse`` (the scoreboard's
"sheets in" figure, the matches played on the standings), else null. The last line is
``["_cpu", user+system seconds of this process, wall seconds]``: how much of a core the load
itself took.

Why asyncio and not threads: one process, one core at most, no GIL contention between 200
clients; a request costs ~50 us of Python here, so the client is not what limits the figures
until some thousands of requests a second (its CPU share is printed so that this can be seen).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import sys
import time
import urllib.parse
from typing import Any

PROGRESS = re.compile(rb'<progress[^>]*\bvalue="(\d+)"')
PLAYED = re.compile(rb'<td class="name">.*?</td>\s*<td>(\d+)</td>', re.S)


def counter(kind: str, body: bytes) -> int | None:
    """The figure a spectator looks at: sheets in (scoreboard) or matches played (standings)."""
    if kind == "progress":
        match = PROGRESS.search(body)
        return int(match.group(1)) if match else None
    if kind == "played":
        cells = PLAYED.findall(body)
        return sum(int(c) for c in cells) // 2 if cells else None
    return None


class Connection:
    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None

    async def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        fields: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                fields[name.strip().lower()] = value.strip()
        if "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readline()
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            body = b"".join(parts)
        elif status in (204, 304):
            body = b""
        else:
            body = await self.reader.read()
            fields["connection"] = "close"
        if fields.get("connection", "").lower() == "close":
            await self.close()
        return status, body


async def client(
    spec: dict[str, Any], start_at: float, stop_at: float, out: list[list[Any]]
) -> None:
    urls = [(key, urllib.parse.urlsplit(url)) for key, url in spec["urls"]]
    parse = spec.get("parse", {})
    headers = {"Accept-Language": "en", "User-Agent": "eventsys-bench"}
    connections: dict[tuple[str, int], Connection] = {}
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    index = 0
    while True:
        sent = time.monotonic()
        if sent >= stop_at:
            break
        key, url = urls[index % len(urls)]
        index += 1
        where = (url.hostname or "127.0.0.1", url.port or 80)
        connection = connections.setdefault(where, Connection(*where))
        path = url.path + (f"?{url.query}" if url.query else "")
        try:
            status, body = await asyncio.wait_for(
                connection.get(path, headers), timeout=max(1.0, stop_at - sent + 30)
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
            await connection.close()
            out.append([key, sent, time.monotonic(), -1, None])
            continue
        received = time.monotonic()
        value = counter(parse[key], body) if key in parse and status == 200 else None
        out.append([key, sent, received, status, value])
    for connection in connections.values():
        await connection.close()


async def main_async(spec: dict[str, Any]) -> list[list[Any]]:
    out: list[list[Any]] = []
    start_at = float(spec["start_at"])
    stop_at = start_at + float(spec["seconds"])
    await asyncio.gather(*(client(c, start_at, stop_at, out) for c in spec["clients"]))
    return out


def main() -> None:
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    began_wall, began_cpu = time.monotonic(), time.process_time()
    samples = asyncio.run(main_async(spec))
    with open(sys.argv[2], "w") as handle:
        for sample in samples:
            handle.write(json.dumps(sample) + "\n")
        handle.write(
            json.dumps(["_cpu", time.process_time() - began_cpu, time.monotonic() - began_wall])
            + "\n"
        )


if __name__ == "__main__":
    main()
