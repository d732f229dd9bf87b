"""The WSGI application the benchmark serves: eventsys itself, plus a bare hello route.

gunicorn --pythonpath bench wsgi_bench:app

``/__hello`` is answered by a small WSGI middleware in front of Flask, so the hello baseline
is served by the same gunicorn master, the same workers and the same process as every eventsys
page of the run, but costs no Flask routing, session, database or template work: it is the
floor the server itself imposes. eventsys gets no new route; any other path goes to
``wsgi.app`` (``create_app()``, configured from the EVENTSYS_* environment as in production).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from wsgi import app as eventsys_app

HELLO_PATH = "/__hello"
_BODY = b"hello\n"
_HEADERS = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(_BODY)))]


class HelloMiddleware:
    """Answer HELLO_PATH before the wrapped application sees the request."""

    def __init__(self, wrapped: Callable[..., Iterable[bytes]]) -> None:
        self.wrapped = wrapped

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == HELLO_PATH:
            start_response("200 OK", list(_HEADERS))
            return [_BODY]
        return self.wrapped(environ, start_response)


app = HelloMiddleware(eventsys_app)
