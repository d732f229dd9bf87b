"""The WSGI application the benchmark serves: eventsys itself, plus two bare hello routes.

gunicorn --pythonpath bench wsgi_bench:app

* ``/__flask_hello`` is a Flask route added to eventsys's own application object here (and
  nowhere else): it returns "hello" and does nothing else, but goes through everything every
  eventsys request goes through (routing, the session cookie, the before/after request hooks,
  the security headers). It is the framework's own limit for this app, the baseline of the
  issue's ratios.
* ``/__hello`` is answered by a small WSGI middleware in front of Flask: the same gunicorn
  workers, but no Flask at all. It shows the floor the server itself imposes (the first
  version of this benchmark divided by it).

Any other path goes to ``wsgi.app`` (``create_app()``, configured from the EVENTSYS_*
environment as in production).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Response

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


def flask_hello() -> Response:
    return Response(_BODY, mimetype="text/plain")


eventsys_app.add_url_rule("/__flask_hello", "bench_flask_hello", flask_hello)
app = HelloMiddleware(eventsys_app)
