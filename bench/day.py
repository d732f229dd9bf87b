"""The contest day, measured from outside (issue 17, item 5): real gunicorn servers, real forms.

    python bench/day.py --seconds 15            # the whole day; ~10 min on 2 cores
    python bench/day.py --seconds 3 --tiny      # a smoke run (what the test does)

It starts its own servers from the checkout it lives in (no --url): gunicorn on
bench/wsgi_bench.py (eventsys + the Flask hello route ``/__flask_hello``), on the data sets
of bench/generate.py (made if missing) plus what bench/day_data.py adds (a live contest, a
live tournament round, bench passwords), reset before every run. Phases, each ``--seconds``
long, all clients released together:

* hello: the Flask hello route, the baseline of every ratio (one per server set-up).
* judging-quiet-N / judging-N (N = 50, 200): N spectators polling, in turn, the live
  contest's hall scoreboard, the published 1,000-entry contest's full results and the
  tournament standings; in judging-N, 7 judges also each submit a score sheet through the
  real form every 2 s (GET the sheet, read its CSRF token and version, POST).
* referee-quiet / referee: 50 spectators on the standings (and the tournament's screen);
  in "referee" the organizer enters a match result through the real form every 2 s.
* browse-quiet / registration: 100 visitors browsing the programme and event pages; in
  "registration" 200 signed-in members register through the real form (GET, CSRF, POST),
  each every --register-every seconds.
* cache-off: another server with the page cache off (--cache-off NAME=VALUE, default
  PAGE_CACHE=false): hello, programme, the 1,000-entry results; again at city scale (10x), with
  the worker's peak RSS, and a city phase with the cache on.
* two-server: two servers on two ports on one PostgreSQL: hello, quiet and judging with the
  spectators split across both and every judge's POST sent to the other server than its GET.

Staleness: a save's commit is its response; a poller "sees" it at the first answer received
after that showing the contest's sheets-in figure (the standings' matches played) at least the
figure before the phase plus the saves answered so far. If ``/contests/<id>/stream``
(``/tournaments/<id>/stream``) answers, the same with the Server-Sent Events' ids (versions);
if it answers 404 the stream is skipped and the reason printed.

The load: bench/load.py (asyncio, standard library, one process) for the spectators; the
writers are threads with urllib in this process. Results: bench/out/day-<time>.md and .json.
"""

from __future__ import annotations

import argparse
import bisect
import html.parser
import http.client
import http.cookiejar
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

import day_data  # noqa: E402
from run import csrf_from, ensure_data, free_port  # noqa: E402

HELLO = "/__flask_hello"


# ---- servers ----------------------------------------------------------------------------------


class Server:
    """gunicorn serving bench/wsgi_bench.py on loopback, its workers' RSS sampled every 0.2 s.

    Workers default to 2 gthread workers of 100 threads, the production layout of
    deploy/gunicorn.conf.py (--worker-class sync for gunicorn's default class)."""

    def __init__(
        self, meta: dict[str, Any], name: str, args: argparse.Namespace, settings: dict[str, str]
    ) -> None:
        self.name = name
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(
            EVENTSYS_DATABASE_URL=meta["url"],
            EVENTSYS_SECRET_KEY=meta["secret_key"],
            EVENTSYS_SESSION_COOKIE_SECURE="false",
            EVENTSYS_REMEMBER_COOKIE_SECURE="false",
            EVENTSYS_LOGIN_MAX_FAILURES="100000",
        )
        env.update({f"EVENTSYS_{k}": v for k, v in settings.items()})
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--pythonpath",
            str(BENCH),
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "--log-level",
            "info",
            "--backlog",
            "2048",
        ]
        if args.worker_class:
            command += ["-k", args.worker_class]
        if args.threads:
            command += ["--threads", str(args.threads)]
        self.log_path = OUT / f"day-gunicorn-{name}.log"
        self.log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [*command, "wsgi_bench:app"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(self.base + HELLO, timeout=5) as response:
                    if response.status == 200 and len(self.workers()) >= args.workers:
                        break
            except OSError:
                pass
            if time.time() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn did not start; see {self.log_path}")
            time.sleep(0.2)
        self.peak: dict[int, int] = {}
        self._sampling = True
        threading.Thread(target=self._sample, daemon=True).start()

    def worker_class(self) -> str:
        for line in self.log_path.read_text(errors="replace").splitlines():
            if "Using worker:" in line:
                return line.split("Using worker:", 1)[1].strip()
        return "?"

    def workers(self) -> list[int]:
        found = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return found

    def _sample(self) -> None:
        while self._sampling:
            for pid in self.workers():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            self.peak[pid] = max(self.peak.get(pid, 0), int(line.split()[1]))
                except OSError:
                    pass
            time.sleep(0.2)

    def peak_mib(self) -> float:
        return max(self.peak.values(), default=0) / 1024

    def drain(self) -> None:
        """Wait until the workers have answered what the last phase left queued."""
        for _ in range(400):
            before = time.perf_counter()
            try:
                with urllib.request.urlopen(self.base + HELLO, timeout=300) as response:
                    response.read()
            except OSError:
                time.sleep(0.5)
                continue
            if time.perf_counter() - before < 0.02:
                return

    def stop(self) -> None:
        self._sampling = False
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# ---- a person with a browser (the writers) ---------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Visitor:
    """Cookies kept (per host, so one session works on both ports), redirects not followed."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def open(self, url: str, data: dict[str, str] | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Accept-Language": "en"})
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:
            return -1, ""

    def sign_in(self, base: str, login: str, password: str) -> None:
        status, page = self.open(base + "/login")
        status, page = self.open(
            base + "/login",
            {"csrf_token": csrf_from(page), "login": login, "password": password},
        )
        if status != 302:
            raise RuntimeError(f"sign-in of {login} answered {status}")


class FormReader(html.parser.HTMLParser):
    """The fields of the first POST form with a CSRF token: inputs (not buttons) and selects."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, str]] = []
        self.actions: list[str] = []
        self._current: dict[str, str] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._current = {}
            self.forms.append(self._current)
            self.actions.append(a.get("action", ""))
        elif self._current is not None and tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            if a.get("type") not in ("submit", "button"):
                self._current[a["name"]] = a.get("value", "")
        elif self._current is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._current.setdefault(a["name"], "")
        elif self._select and tag == "option" and "selected" in a and self._current is not None:
            self._current[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def post_form(page: str, path: str) -> dict[str, str]:
    """The fields of the page's POST form that posts back to *path* (not the sign-out form)."""
    reader = FormReader()
    reader.feed(page)
    for form, action in zip(reader.forms, reader.actions, strict=True):
        if "csrf_token" in form and urllib.parse.urlsplit(action).path in ("", path):
            return form
    raise RuntimeError(f"no POST form with a CSRF token posting to {path}")


@dataclass
class Write:
    who: str
    sent: float
    received: float
    status: int
    ok: bool
    server: int = 0


@dataclass
class Writers:
    """What writes during a phase; each kind keeps its place across phases."""

    judges: list[tuple[str, Visitor]] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)
    judge_next: dict[str, int] = field(default_factory=dict)
    referee: Visitor | None = None
    matches: list[int] = field(default_factory=list)
    match_next: int = 0
    registrants: list[tuple[str, Visitor]] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def judge_loop(
    w: Writers,
    index: int,
    bases: list[str],
    contest_id: int,
    start: float,
    stop: float,
    every: float,
    out: list[Write],
) -> None:
    login, visitor = w.judges[index]
    rnd = random.Random(index)
    moment = start + every * index / max(1, len(w.judges))
    while True:
        _sleep_until(moment)
        if time.monotonic() >= stop:
            return
        moment = max(moment + every, time.monotonic())
        position = w.judge_next.get(login, index * len(w.entries) // max(1, len(w.judges)))
        w.judge_next[login] = position + 1
        entry = w.entries[position % len(w.entries)]
        get_base = bases[index % len(bases)]
        post_base = bases[(index + 1) % len(bases)]  # the other server when there are two
        path = f"/judging/{contest_id}/entries/{entry}"
        status, page = visitor.open(get_base + path)
        if status != 200:
            out.append(Write(login, time.monotonic(), time.monotonic(), status, False))
            continue
        form = post_form(page, path)
        for name in form:
            if name.startswith("mark_"):
                form[name] = f"{rnd.randint(60, 95) / 10:.1f}"
        form["action"] = "submit"
        sent = time.monotonic()
        status, _ = visitor.open(post_base + path, form)
        out.append(
            Write(login, sent, time.monotonic(), status, status == 302, bases.index(post_base))
        )


def referee_loop(
    w: Writers, base: str, start: float, stop: float, every: float, out: list[Write]
) -> None:
    assert w.referee is not None
    rnd = random.Random(17)
    moment = start
    while w.match_next < len(w.matches):
        _sleep_until(moment)
        if time.monotonic() >= stop:
            return
        moment = max(moment + every, time.monotonic())
        match_id = w.matches[w.match_next]
        w.match_next += 1
        path = f"/tournaments/matches/{match_id}/result"
        status, page = w.referee.open(base + path)
        if status != 200:
            out.append(Write("referee", time.monotonic(), time.monotonic(), status, False))
            continue
        form = post_form(page, path)
        a, b = rnd.randint(0, 20), rnd.randint(0, 20)
        form.update(outcome="played", score_a=str(a), score_b=str(b))
        sent = time.monotonic()
        status, _ = w.referee.open(base + path, form)
        out.append(Write("referee", sent, time.monotonic(), status, status == 302))


def registrant_loop(
    w: Writers, index: int, base: str, start: float, stop: float, every: float, out: list[Write]
) -> None:
    login, visitor = w.registrants[index]
    rnd = random.Random(1000 + index)
    events = list(w.events)
    rnd.shuffle(events)
    moment = start + rnd.uniform(0, every)
    for event_id in events:
        _sleep_until(moment)
        if time.monotonic() >= stop:
            return
        moment = max(moment + every, time.monotonic())
        path = f"/events/{event_id}/register"
        status, page = visitor.open(base + path)
        if status == 302:  # registered already (an earlier run of this phase)
            continue
        if status != 200:
            out.append(Write(login, time.monotonic(), time.monotonic(), status, False))
            continue
        form = post_form(page, path)
        sent = time.monotonic()
        status, _ = visitor.open(base + path, form)
        out.append(Write(login, sent, time.monotonic(), status, status == 302))


# ---- Server-Sent Events (optional) -----------------------------------------------------------


class StreamWatcher:
    """Read a stream's event ids (versions) with their arrival times, if the route exists."""

    def __init__(self, base: str, path: str) -> None:
        self.events: list[tuple[float, int]] = []
        self.skipped = ""
        url = urllib.parse.urlsplit(base)
        self.connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
        try:
            self.connection.request("GET", path, headers={"Accept": "text/event-stream"})
            self.response = self.connection.getresponse()
        except OSError as error:
            self.skipped = f"{path}: {error}"
            return
        if self.response.status == 404:
            self.skipped = f"{path} answers 404: the app has no stream yet"
        elif self.response.status != 200:
            self.skipped = f"{path} answers {self.response.status}"
        if self.skipped:
            self.connection.close()
            return
        self.stop_at = float("inf")
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while time.monotonic() < self.stop_at:
            try:
                line = self.response.fp.readline()
            except OSError:  # the 5 s socket timeout: nothing came, keep listening
                continue
            if not line:
                return
            if line.startswith(b"id:"):
                digits = "".join(ch for ch in line[3:].decode(errors="replace") if ch.isdigit())
                if digits:
                    self.events.append((time.monotonic(), int(digits)))

    def close(self) -> None:
        if not self.skipped:
            self.stop_at = 0.0
            self.connection.close()
            self.thread.join(timeout=6)


# ---- phases -----------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    servers: list[Server]
    pages: dict[str, str]  # key: path, asked for in turn by every spectator
    clients: int
    parse: dict[str, str] = field(default_factory=dict)
    judges: bool = False
    referee: bool = False
    registration: bool = False
    watch: str = ""  # the key whose counter the writes move (staleness)
    stream: str = ""  # the stream path, if the phase measures one
    compare_to: str = ""  # the no-write phase of the same pages
    hello: str = ""  # the hello phase of the same servers


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def staleness(
    writes: list[Write],
    seen: list[tuple[float, int]],
    before: int | None,
    stop: float,
    through: int | None = None,
) -> dict[str, Any]:
    """Per successful write (in order of answer), the time until a reader first shows it
    (only the writes sent through server *through*, if given; the ordinal counts them all).
    A write not seen by the end is "unseen" unless it was answered in the phase's last second
    (the readers stopped before they could show it)."""
    ok = sorted((w for w in writes if w.ok), key=lambda w: w.received)
    if before is None or not ok:
        return {"n": 0, "unseen": 0, "p50": float("nan"), "p99": float("nan"), "max": float("nan")}
    seen = sorted(seen)
    times = [t for t, _ in seen]
    delays, unseen = [], 0
    for k, write in enumerate(ok, start=1):
        if through is not None and write.server != through:
            continue
        need = before + k
        start = bisect.bisect_left(times, write.received)
        for t, value in seen[start:]:
            if value >= need:
                delays.append(t - write.received)
                break
        else:
            if write.received < stop - 1.0:
                unseen += 1
    return {
        "n": len(delays) + unseen,
        "unseen": unseen,
        "p50": 1000 * percentile(delays, 0.5),
        "p99": 1000 * percentile(delays, 0.99),
        "max": 1000 * max(delays) if delays else float("nan"),
        "delays_ms": [round(1000 * d, 1) for d in delays],
    }


def read_counter(base: str, path: str, kind: str) -> int | None:
    from load import counter

    with urllib.request.urlopen(
        urllib.request.Request(base + path, headers={"Accept-Language": "en"}), timeout=300
    ) as response:
        return counter(kind, response.read())


def run_phase(
    phase: Phase, writers: Writers, day: dict[str, Any], args: argparse.Namespace
) -> dict[str, Any]:
    bases = [s.base for s in phase.servers]
    keys = list(phase.pages)
    clients = []
    for i in range(phase.clients):
        base = bases[i % len(bases)]
        order = keys[i % len(keys) :] + keys[: i % len(keys)]
        clients.append(
            {
                "urls": [[f"{k}@{bases.index(base)}", base + phase.pages[k]] for k in order],
                "parse": {f"{k}@{bases.index(base)}": v for k, v in phase.parse.items()},
            }
        )
    writing = phase.judges or phase.referee or phase.registration
    if args.warmup > 0 and not writing:
        # A phase with no writes is the steady state: every worker builds its pages first.
        warm_start = time.monotonic() + 2.0
        spec = {"start_at": warm_start, "seconds": args.warmup, "clients": clients}
        (OUT / "day-load-spec.json").write_text(json.dumps(spec))
        subprocess.run(
            [
                *(sys.executable, str(BENCH / "load.py"), str(OUT / "day-load-spec.json")),
                str(OUT / "day-load-warmup.jsonl"),
            ],
            check=True,
        )
        for server in phase.servers:
            server.drain()
    before = None
    if phase.watch:
        before = read_counter(bases[0], phase.pages[phase.watch], phase.parse[phase.watch])
    watcher = None
    if phase.stream and not args.no_stream:
        watcher = StreamWatcher(bases[-1], phase.stream)
        time.sleep(0.5)  # its first event (the current version), if it sends one
    start = time.monotonic() + 2.0  # the load process's start-up
    stop = start + args.seconds
    spec_path = OUT / "day-load-spec.json"
    samples_path = OUT / "day-load-samples.jsonl"
    spec_path.write_text(
        json.dumps({"start_at": start, "seconds": args.seconds, "clients": clients})
    )
    load = subprocess.Popen(
        [sys.executable, str(BENCH / "load.py"), str(spec_path), str(samples_path)]
    )
    writes: list[Write] = []
    threads = []
    if phase.judges:
        for j in range(len(writers.judges)):
            threads.append(
                threading.Thread(
                    target=judge_loop,
                    args=(
                        writers,
                        j,
                        bases,
                        day["live_contest_id"],
                        start,
                        stop,
                        args.judge_every,
                        writes,
                    ),
                )
            )
    if phase.referee:
        threads.append(
            threading.Thread(
                target=referee_loop,
                args=(writers, bases[0], start, stop, args.referee_every, writes),
            )
        )
    if phase.registration:
        for r in range(len(writers.registrants)):
            threads.append(
                threading.Thread(
                    target=registrant_loop,
                    args=(
                        writers,
                        r,
                        bases[r % len(bases)],
                        start,
                        stop,
                        args.register_every,
                        writes,
                    ),
                )
            )
    load_avg = os.getloadavg()[0]
    for thread in threads:
        thread.start()
    load.wait()
    for thread in threads:
        thread.join(timeout=300)
    stream_events: list[tuple[float, int]] = []
    stream_note = ""
    if watcher is not None:
        time.sleep(1.0)  # the last saves' events
        watcher.close()
        stream_note = watcher.skipped
        stream_events = watcher.events
    elif phase.stream:
        stream_note = "--no-stream"
    for server in phase.servers:
        server.drain()
    rows = [json.loads(line) for line in samples_path.read_text().splitlines()]
    cpu = next((r for r in rows if r[0] == "_cpu"), ["_cpu", 0.0, 1.0])
    rows = [r for r in rows if r[0] != "_cpu"]
    result: dict[str, Any] = {
        "name": phase.name,
        "clients": phase.clients,
        "servers": len(phase.servers),
        "load_average": load_avg,
        "load_cpu_share": cpu[1] / max(cpu[2], 1e-9),
    }

    def figures(selected: list[list[Any]]) -> dict[str, Any]:
        done = [r for r in selected if start <= r[2] <= stop]
        latencies = [1000 * (r[2] - r[1]) for r in done]
        return {
            "requests": len(done),
            "rps": len(done) / args.seconds,
            "p50": percentile(latencies, 0.5),
            "p99": percentile(latencies, 0.99),
            "errors": sum(1 for r in done if r[3] not in (200, 304)),
        }

    result["all"] = figures(rows)
    result["pages"] = {k: figures([r for r in rows if r[0].split("@")[0] == k]) for k in keys}
    result["writes"] = {
        "n": len(writes),
        "ok": sum(1 for w in writes if w.ok),
        "statuses": sorted({w.status for w in writes}),
        "p50": percentile([1000 * (w.received - w.sent) for w in writes], 0.5),
        "p99": percentile([1000 * (w.received - w.sent) for w in writes], 0.99),
    }
    if phase.watch and (phase.judges or phase.referee):
        seen = [
            (r[2], r[4]) for r in rows if r[0].split("@")[0] == phase.watch and r[4] is not None
        ]
        result["stale_poll"] = staleness(writes, seen, before, stop)
        if len(phase.servers) > 1:
            # saves through one server, seen by the pollers of the other
            parts = []
            for index in range(len(bases)):
                other = [
                    (r[2], r[4])
                    for r in rows
                    if r[0] == f"{phase.watch}@{1 - index}" and r[4] is not None
                ]
                parts.append(staleness(writes, other, before, stop, through=index))
            delays = [d for part in parts for d in part["delays_ms"]]
            result["stale_cross"] = {
                "n": sum(part["n"] for part in parts),
                "unseen": sum(part["unseen"] for part in parts),
                "p50": percentile(delays, 0.5),
                "p99": percentile(delays, 0.99),
                "max": max(delays) if delays else float("nan"),
                "delays_ms": delays,
            }
        if stream_events:
            first = [v for t, v in stream_events if t < start]
            v0 = max(first) if first else min(v for _, v in stream_events) - 1
            result["stale_stream"] = staleness(writes, stream_events, v0, stop)
        result["stream_note"] = stream_note or ("" if stream_events else "no event arrived")
    return result


# ---- the run ----------------------------------------------------------------------------------


def parse_settings(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        out[name.removeprefix("EVENTSYS_")] = value
    return out


def sign_in_all(
    writers: Writers,
    day: dict[str, Any],
    meta: dict[str, Any],
    base: str,
    args: argparse.Namespace,
    registrants: bool = True,
) -> None:
    writers.judges = []
    for login in day["judges"]:
        visitor = Visitor()
        visitor.sign_in(base, login, meta["password"])
        writers.judges.append((login, visitor))
    writers.entries = day["open_entries"]
    writers.referee = Visitor()
    writers.referee.sign_in(base, "bench_org", meta["password"])
    writers.matches = day["reopened_matches"]
    writers.events = day["registration_events"]
    writers.registrants = []
    for login in day["registrants"][: args.registrants if registrants else 0]:
        visitor = Visitor()
        visitor.sign_in(base, login, meta["password"])
        writers.registrants.append((login, visitor))


def district_phases(
    servers: list[Server],
    meta: dict[str, Any],
    day: dict[str, Any],
    args: argparse.Namespace,
    prefix: str = "",
) -> list[Phase]:
    live, tid = day["live_contest_id"], meta["tournament_id"]
    spectator_pages = {
        "scoreboard": f"/contests/{live}/scoreboard",
        "results": f"/contests/{meta['contest_id']}/results",
        "standings": f"/tournaments/{tid}/standings",
    }
    parse = {"scoreboard": "progress", "standings": "played"}
    stream = f"/contests/{live}/stream"
    hello = Phase(prefix + "hello", servers, {"hello": HELLO}, args.spectators[0])
    phases = [hello]
    for n in args.spectators:
        quiet = Phase(
            f"{prefix}judging-quiet-{n}", servers, spectator_pages, n, parse, hello=hello.name
        )
        busy = Phase(
            f"{prefix}judging-{n}",
            servers,
            spectator_pages,
            n,
            parse,
            judges=True,
            watch="scoreboard",
            stream=stream,
            compare_to=quiet.name,
            hello=hello.name,
        )
        phases += [quiet, busy]
    if prefix:  # the two-server layout: judging only
        return phases
    standings = {
        "standings": f"/tournaments/{tid}/standings",
        "screen": f"/tournaments/{tid}/screen",
    }
    quiet = Phase("referee-quiet", servers, standings, args.spectators[0], parse, hello=hello.name)
    phases += [
        quiet,
        Phase(
            "referee",
            servers,
            standings,
            args.spectators[0],
            parse,
            referee=True,
            watch="standings",
            stream=f"/tournaments/{tid}/stream",
            compare_to=quiet.name,
            hello=hello.name,
        ),
    ]
    browse = {"programme": "/"}
    for n, event_id in enumerate(day["registration_events"][:10] + day["browse_events"][:10]):
        browse[f"event{n}"] = f"/events/{event_id}"
    quiet = Phase("browse-quiet", servers, browse, args.browsers, hello=hello.name)
    phases += [
        quiet,
        Phase(
            "registration",
            servers,
            browse,
            args.browsers,
            registration=True,
            compare_to=quiet.name,
            hello=hello.name,
        ),
    ]
    return phases


def cache_off_phases(
    server: Server, meta: dict[str, Any], args: argparse.Namespace, prefix: str
) -> list[Phase]:
    hello = Phase(f"{prefix}hello", [server], {"hello": HELLO}, args.cache_off_clients)
    return [
        hello,
        Phase(
            f"{prefix}programme",
            [server],
            {"programme": "/"},
            args.cache_off_clients,
            hello=hello.name,
        ),
        Phase(
            f"{prefix}results",
            [server],
            {"results": f"/contests/{meta['contest_id']}/results"},
            args.cache_off_clients,
            hello=hello.name,
        ),
    ]


def unreachable(db: str) -> str:
    """Why the database server of *db* cannot be used ("" if it can)."""
    if db != "postgresql":
        return ""
    from generate import default_url
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(default_url("district", db)).set(database="postgres"))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to connect: say it, run the rest
        return f"PostgreSQL not reachable ({type(error).__name__})"
    finally:
        engine.dispose()
    return ""


def run(args: argparse.Namespace) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    scale = "tiny" if args.tiny else "district"
    settings = parse_settings(args.setting)
    results: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    info: dict[str, Any] = {
        "scale": scale,
        "seconds": args.seconds,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "workers": args.workers,
        "cache_off": args.cache_off,
        "settings": settings,
    }

    def do(phases: list[Phase], writers: Writers, day: dict[str, Any]) -> None:
        for phase in phases:
            if args.only and not any(word in phase.name for word in args.only):
                continue
            figures = run_phase(phase, writers, day, args)
            figures["hello_phase"] = phase.hello
            figures["compare_to"] = phase.compare_to
            figures["judges"], figures["referee"] = phase.judges, phase.referee
            results[phase.name] = figures
            print(line_of(figures), flush=True)

    for db in args.db:
        reason = unreachable(db)
        if reason:
            print(f"== {db} skipped: {reason}", flush=True)
            notes.append(f"{db} skipped: {reason}")
            continue
        meta = ensure_data(scale, db, args.regenerate)
        print(f"== {scale} on {db}: live contest, tournament, accounts ...", flush=True)
        day = day_data.prepare(meta, registrants=args.registrants)
        if not args.two_server_only and db == args.db[0]:
            server = Server(meta, f"{db}", args, settings)
            info[f"worker_class_{db}"] = server.worker_class()
            print(
                f"  gunicorn {server.base}, {args.workers} workers "
                f"({server.worker_class()}), load average {os.getloadavg()[0]:.2f}",
                flush=True,
            )
            try:
                writers = Writers()
                sign_in_all(writers, day, meta, server.base, args)
                do(district_phases([server], meta, day, args), writers, day)
                info[f"rss_{db}"] = server.peak_mib()
            finally:
                server.stop()
            if not args.no_cache_off:
                off = Server(
                    meta, f"{db}-cache-off", args, {**settings, **parse_settings(args.cache_off)}
                )
                try:
                    do(cache_off_phases(off, meta, args, "cache-off:"), Writers(), day)
                finally:
                    off.stop()
        if db == "postgresql" and not args.no_two_server:
            day = day_data.prepare(meta, registrants=args.registrants)
            pair = [Server(meta, "pg-a", args, settings)]
            try:
                pair.append(Server(meta, "pg-b", args, settings))
                writers = Writers()
                sign_in_all(writers, day, meta, pair[0].base, args, registrants=False)
                do(district_phases(pair, meta, day, args, prefix="two-server:")[:3], writers, day)
            finally:
                for server in pair:
                    server.stop()
    if not args.no_city and not args.tiny:
        meta = ensure_data("city", args.db[0], args.regenerate)
        peaks = {}
        off = Server(meta, "city-cache-off", args, {**settings, **parse_settings(args.cache_off)})
        try:
            do(cache_off_phases(off, meta, args, "city-cache-off:"), Writers(), {})
        finally:
            off.stop()
            peaks["cache off"] = off.peak_mib()
        on = Server(meta, "city", args, settings)
        try:
            city_pages = {
                "programme": "/",
                "event": f"/events/{meta['event_id']}",
                "results": f"/contests/{meta['contest_id']}/results",
                "standings": f"/tournaments/{meta['tournament_id']}/standings",
            }
            # For the workers' memory with the cache on (the 10,000-entry page is built once per
            # worker here, which takes longer than a short phase): not a throughput figure.
            do([Phase("city:memory", [on], city_pages, args.cache_off_clients)], Writers(), {})
        finally:
            on.stop()
            peaks["cache on"] = on.peak_mib()
        info["rss_city"] = peaks
    elif args.tiny:
        notes.append("city scale skipped (--tiny)")
    info["notes"] = notes
    return {"info": info, "phases": results}


# ---- the report -------------------------------------------------------------------------------


def _f(value: Any, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:.{digits}f}"


def line_of(f: dict[str, Any]) -> str:
    text = (
        f"  {f['name']:28} {f['all']['rps']:8.1f} req/s  p50 {_f(f['all']['p50'])} ms  "
        f"p99 {_f(f['all']['p99'])} ms  errors {f['all']['errors']}"
    )
    if f["writes"]["n"]:
        text += f"  writes {f['writes']['ok']}/{f['writes']['n']} p99 {_f(f['writes']['p99'])} ms"
    if "stale_poll" in f:
        text += f"  stale p99 {_f(f['stale_poll']['p99'])} ms"
    if "stale_stream" in f:
        text += f"  stream p99 {_f(f['stale_stream']['p99'])} ms"
    return text + f"  (load {f['load_average']:.2f}, client cpu {f['load_cpu_share']:.0%})"


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def report(summary: dict[str, Any]) -> str:
    info, phases = summary["info"], summary["phases"]
    lines = [
        f"### contest day, {info['scale']} scale, {info['nproc']} cores, {info['seconds']} s "
        f"per phase, {info['workers']} gunicorn workers "
        f"({', '.join(str(v) for k, v in info.items() if k.startswith('worker_class'))})",
        "",
        "| phase | clients | spectators req/s | ratio to hello | ratio to no writes | p50 ms "
        "| p99 ms | errors | writes ok/n | write p99 ms | stale p50/p99 ms (poll) "
        "| stale p99 ms (stream) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, f in phases.items():
        hello = phases.get(f["hello_phase"], {}).get("all", {}).get("rps", float("nan"))
        base = phases.get(f["compare_to"], {}).get("all", {}).get("rps", float("nan"))
        stale = f.get("stale_cross") or f.get("stale_poll")
        stale_text = f"{_f(stale['p50'], 0)} / {_f(stale['p99'], 0)}" if stale else ""
        if stale and stale["unseen"]:
            stale_text += f" ({stale['unseen']} unseen)"
        stream = f.get("stale_stream")
        stream_text = (
            _f(stream["p99"], 0) if stream else ("skipped" if f.get("stream_note") else "")
        )
        w = f["writes"]
        lines.append(
            f"| {name} | {f['clients']} | {f['all']['rps']:.1f} | "
            f"{_f(ratio(f['all']['rps'], hello), 3) if f['hello_phase'] else ''} | "
            f"{_f(ratio(f['all']['rps'], base), 3) if f['compare_to'] else ''} | "
            f"{_f(f['all']['p50'])} | {_f(f['all']['p99'])} | {f['all']['errors']} | "
            f"{str(w['ok']) + '/' + str(w['n']) if w['n'] else ''} | "
            f"{_f(w['p99']) if w['n'] else ''} | {stale_text} | {stream_text} |"
        )
    lines += [
        "",
        "Per page (req/s, p99 ms; ratio to the same page in the phase with no writes):",
        "",
        "| phase | page | req/s | p50 ms | p99 ms | ratio to no writes | errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, f in phases.items():
        if len(f["pages"]) < 2:
            continue
        base_pages = phases.get(f["compare_to"], {}).get("pages", {})
        for page, p in f["pages"].items():
            before = base_pages.get(page, {}).get("rps")
            lines.append(
                f"| {name} | {page} | {p['rps']:.1f} | {_f(p['p50'])} | {_f(p['p99'])} "
                f"| {_f(ratio(p['rps'], before), 3) if before else ''} | {p['errors']} |"
            )
    notes = sorted({f"{n}: {f['stream_note']}" for n, f in phases.items() if f.get("stream_note")})
    if notes:
        lines += ["", "Streams: " + "; ".join(notes)]
    rss = {k: v for k, v in info.items() if k.startswith("rss_")}
    if rss:
        lines += [
            "",
            "Peak worker RSS (MiB): "
            + json.dumps(
                {
                    k: (round(v) if isinstance(v, float) else {a: round(b) for a, b in v.items()})
                    for k, v in rss.items()
                }
            ),
        ]
    if info.get("notes"):
        lines += ["", "Notes: " + "; ".join(info["notes"])]
    lines += ["", "Verdicts (targets of issue 17):", ""] + [f"- {v}" for v in verdicts(summary)]
    return "\n".join(lines) + "\n"


def verdicts(summary: dict[str, Any]) -> list[str]:
    info, phases = summary["info"], summary["phases"]
    out = []

    def say(ok: bool | None, text: str) -> None:
        out.append(f"{'PASS' if ok else 'FAIL' if ok is not None else 'N/A '} {text}")

    def rps(name: str, page: str | None = None) -> float:
        f = phases.get(name)
        if f is None:
            return float("nan")
        return f["pages"][page]["rps"] if page else f["all"]["rps"]

    for name, f in phases.items():
        if not (f["judges"] or f["referee"]):
            continue
        label = f"{name}:"
        worst = min(
            (ratio(p["rps"], rps(f["compare_to"], k)) for k, p in f["pages"].items()),
            default=float("nan"),
        )
        say(
            worst >= 0.8,
            f"{label} every spectator page >= 0.8 of its no-write rate: worst {_f(worst, 3)}",
        )
        r = ratio(f["all"]["rps"], rps(f["hello_phase"]))
        say(r >= 0.4, f"{label} spectators >= 0.4 of hello: {_f(r, 3)}")
        say(f["all"]["p99"] <= 200, f"{label} spectators' p99 <= 200 ms: {_f(f['all']['p99'])} ms")
        stale = f.get("stale_cross") or f.get("stale_poll") or {}
        if stale.get("n"):
            p99 = stale["p99"] if not stale["unseen"] else float("inf")
            say(
                p99 <= 1000,
                f"{label} staleness p99 <= 1 s polling: {_f(stale['p99'], 0)} ms"
                f"{' (' + str(stale['unseen']) + ' never seen)' if stale['unseen'] else ''}",
            )
        stream = f.get("stale_stream")
        if stream and stream.get("n"):
            say(
                stream["p99"] <= 500 and not stream["unseen"],
                f"{label} staleness p99 <= 0.5 s streamed: {_f(stream['p99'], 0)} ms",
            )
        else:
            say(None, f"{label} staleness streamed: {f.get('stream_note') or 'not measured'}")
        if "judging" in name:
            say(
                f["writes"]["p99"] <= 250,
                f"{label} judges' save p99 <= 250 ms: {_f(f['writes']['p99'])} ms "
                f"({f['writes']['ok']}/{f['writes']['n']} saved)",
            )
    if "registration" in phases:
        f = phases["registration"]
        for page in ("programme", "event0"):
            keys = [page] if page == "programme" else [k for k in f["pages"] if k != "programme"]
            now = sum(f["pages"][k]["rps"] for k in keys)
            before = sum(phases["browse-quiet"]["pages"][k]["rps"] for k in keys)
            say(
                ratio(now, before) >= 0.8,
                f"registration day: {'programme' if page == 'programme' else 'event pages'} "
                f">= 0.8 of no-write rate: {_f(ratio(now, before), 3)}",
            )
    for page in ("programme", "results"):
        r = ratio(rps(f"cache-off:{page}"), rps("cache-off:hello"))
        if r == r:
            say(r >= 0.2, f"cache off: {page} >= 0.2 of hello: {_f(r, 3)}")
        city = ratio(rps(f"city-cache-off:{page}"), rps("city-cache-off:hello"))
        if r == r and city == 0:
            say(
                False,
                f"cache off: city {page} <= 1.25x the district cost per page: no answer "
                f"within the {info['seconds']} s phase",
            )
        elif r == r and city == city:
            cost = ratio(r, city)
            say(
                cost <= 1.25,
                f"cache off: city {page} <= 1.25x the district cost per page: {_f(cost, 2)}x",
            )
    city_rss = info.get("rss_city")
    if city_rss:
        peak = max(city_rss.values())
        say(
            peak * 1.048576 < 200,
            f"memory per worker < 200 MB at city scale: peak "
            f"{peak * 1.048576:.0f} MB ({json.dumps({k: round(v) for k, v in city_rss.items()})} MiB)",
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=15, help="length of each phase")
    parser.add_argument(
        "--db",
        default="sqlite,postgresql",
        help="comma-separated: the full day on the first, the two-server "
        "layout on postgresql (default sqlite,postgresql)",
    )
    parser.add_argument("--tiny", action="store_true", help="tiny data set, no city (tests)")
    parser.add_argument("--spectators", default="50,200", help="spectator counts (judging)")
    parser.add_argument("--browsers", type=int, default=100)
    parser.add_argument("--registrants", type=int, default=200)
    parser.add_argument(
        "--cache-off-clients",
        type=int,
        default=4,
        help="clients of the cache-off and city phases (pages of seconds)",
    )
    parser.add_argument("--judge-every", type=float, default=2.0)
    parser.add_argument("--referee-every", type=float, default=2.0)
    parser.add_argument("--register-every", type=float, default=10.0)
    parser.add_argument(
        "--warmup",
        type=float,
        default=3.0,
        help="seconds of unmeasured load before each "
        "phase with no writes (the pages built once per worker)",
    )
    parser.add_argument("--workers", type=int, default=2)
    # The production layout (deploy/gunicorn.conf.py): gthread, 100 threads. A sync worker is
    # held by one open stream (the bench's stream watchers), and then starves the pollers.
    parser.add_argument(
        "--worker-class",
        default="gthread",
        help="gunicorn -k (default gthread, as deploy/gunicorn.conf.py; 'sync' for the old one)",
    )
    parser.add_argument("--threads", type=int, default=100)
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        help="NAME=VALUE: an EVENTSYS_ setting for every server "
        "(e.g. CACHE_URL=redis://127.0.0.1:6379/3)",
    )
    parser.add_argument(
        "--cache-off",
        action="append",
        default=None,
        help="NAME=VALUE that turns the page cache off (default PAGE_CACHE=false; repeatable)",
    )
    parser.add_argument("--no-cache-off", action="store_true")
    parser.add_argument("--no-city", action="store_true")
    parser.add_argument("--no-two-server", action="store_true")
    parser.add_argument("--two-server-only", action="store_true")
    parser.add_argument("--no-stream", action="store_true")
    parser.add_argument(
        "--only", action="append", default=[], help="run only the phases whose name contains this"
    )
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--json", help="write the figures here too")
    args = parser.parse_args()
    args.db = [d.strip() for d in args.db.split(",") if d.strip()]
    args.spectators = [int(n) for n in args.spectators.split(",")]
    args.cache_off = args.cache_off or ["PAGE_CACHE=false"]
    started = time.perf_counter()
    summary = run(args)
    text = report(summary)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    (OUT / f"day-{stamp}.md").write_text(text)
    (OUT / f"day-{stamp}.json").write_text(json.dumps(summary, indent=2, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2, default=str))
    print()
    print(text)
    print(f"(whole run {time.perf_counter() - started:.0f} s; bench/out/day-{stamp}.md)")


if __name__ == "__main__":
    main()
