"""The read lane (eventsys.web.lanes): at most READ_LANE reads at once per process, writes and
streams never wait for it."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from eventsys import wrap_wsgi
from eventsys.web.lanes import ReadLane


class Held:
    """A WSGI app that holds each request until told to go on, counting those inside."""

    def __init__(self) -> None:
        self.inside: list[str] = []
        self.go = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        with self.lock:
            self.inside.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        if environ["PATH_INFO"] != "/quick":
            self.go.wait(5)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def call(app: ReadLane, method: str, path: str) -> threading.Thread:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path}
    thread = threading.Thread(target=app, args=(environ, lambda *_a: None))
    thread.start()
    return thread


def test_a_read_waits_for_a_slot_while_writes_and_streams_go_straight_in() -> None:
    inner = Held()
    lane = ReadLane(inner, slots=1)
    first = call(lane, "GET", "/contests/1/scoreboard")
    while not inner.inside:
        threading.Event().wait(0.01)
    waiting = call(lane, "GET", "/contests/1/results")
    # The save and the stream are served while the one slot is taken.
    assert lane({"REQUEST_METHOD": "POST", "PATH_INFO": "/quick"}, lambda *_a: None) == [b"ok"]
    stream = call(lane, "GET", "/contests/1/stream")
    while len(inner.inside) < 3:
        threading.Event().wait(0.01)
    assert inner.inside == ["GET /contests/1/scoreboard", "POST /quick", "GET /contests/1/stream"]
    inner.go.set()
    for thread in (first, waiting, stream):
        thread.join(5)
    assert inner.inside[-1] == "GET /contests/1/results"  # in once the slot was given back


def test_the_app_has_its_lane_unless_turned_off(app: Flask) -> None:
    assert isinstance(app.wsgi_app, ReadLane)  # the default: READ_LANE = 4
    for slots, wrapped in ((0, False), (2, True)):
        bare = Flask(__name__)
        bare.config["READ_LANE"] = slots
        wrap_wsgi(bare)
        assert isinstance(bare.wsgi_app, ReadLane) == wrapped
