"""Writes first: a cap on the page reads one process works on at once (READ_LANE).

A gthread worker runs up to 100 requests at once, but one Python process computes one at a
time (the GIL). On a contest day 200 screens poll the scoreboard; with every poll running,
a judge's save is one runnable thread among a hundred and gets a hundredth of the core, while
it holds the database's write lock (SQLite's, or the contest's row on PostgreSQL) and the next
judge's save waits behind it: saves took seconds (bench/README.md, "The day").

So reads (GET and HEAD, not the live streams, which wait without computing) take one of
READ_LANE slots per process while Flask builds their answer; the others wait on the slot,
asleep, costing no CPU; writes (POST and the rest) never wait for a slot. Pages are built in
the same order and at the same rate (a core is busy either way), but a save now shares the
core with at most READ_LANE reads. 0 turns the lane off."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
READS = frozenset({"GET", "HEAD"})


class ReadLane:
    """WSGI middleware: at most *slots* reads at once inside *app*; writes pass straight on."""

    def __init__(self, app: WSGIApp, slots: int) -> None:
        self.app = app
        self.slots = threading.BoundedSemaphore(slots)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") not in READS or environ.get("PATH_INFO", "").endswith(
            "/stream"
        ):
            return self.app(environ, start_response)
        with self.slots:
            # Flask builds the whole answer (and tears its context down) inside this call;
            # only a stream's body is produced later, and streams do not come here.
            return self.app(environ, start_response)
