"""gunicorn settings for production: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Worker class: gthread. A live page's stream (eventsys.web.streams, Server-Sent Events) keeps
its request open for minutes; a sync worker would be blocked by one. In a gthread worker each
stream holds one thread (waiting on a condition, no database connection), so a worker with
more threads than EVENTSYS_STREAM_CAP keeps `threads - cap` threads for everything else: with
the defaults (100 threads, cap 80) 20 threads per worker serve pages and forms while 80
screens follow their streams, and the 81st screen gets 503 + Retry-After and polls. gevent
would hold more streams per worker but needs monkey-patching of psycopg, SQLite and Redis
(and their C parts), which this app does not use; a separate stream process adds a second
service to run. Threads waiting on a stream cost a few kB of memory each, not a core.

Of the threads serving pages, at most EVENTSYS_READ_LANE (default 4) build a read (GET, HEAD)
at once per worker; the others wait asleep, and writes (a judge's save, a registration) never
wait (eventsys.web.lanes): one process computes one request at a time anyway (the GIL), and a
save that held the database's write lock used to share the core with a hundred polls.

Set EVENTSYS_STREAM_CAP and GUNICORN_THREADS together (threads are raised to cap + 16 if
given lower); GUNICORN_WORKERS defaults to the number of cores. Behind nginx, keep
`proxy_buffering off` for /contests/*/stream and /tournaments/*/stream (the app also sends
X-Accel-Buffering: no) and a proxy_read_timeout above EVENTSYS_STREAM_HEARTBEAT_SECONDS.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
_cap = int(os.environ.get("EVENTSYS_STREAM_CAP", "80"))
threads = max(int(os.environ.get("GUNICORN_THREADS", "100")), _cap + 16)
# A stream's thread is not a stuck worker: gthread's timeout watches the worker's main loop.
timeout = 30
graceful_timeout = 10
keepalive = 5
# The access log on stdout; the app masks personal calendar feeds' secrets in it (a filter on
# the "gunicorn.access" logger, eventsys.web.calendar).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
