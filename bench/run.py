"""The benchmark of issue 7: serve eventsys with gunicorn and load it with wrk, at two scales.

    python bench/run.py --scale district|city|both|tiny [--db sqlite|postgresql]
                        [--duration 10] [--regenerate] [--skip-compute]

For each scale: generate the data set (bench/generate.py; reused when bench/out/data-<scale>-
<db>.json exists, unless --regenerate), time the in-process computations (bench/compute.py),
start gunicorn (2 sync workers, 127.0.0.1, a free port, EVENTSYS_DATABASE_URL and
EVENTSYS_SECRET_KEY from the data set) on bench/wsgi_bench.py, and run wrk (2 threads,
20 connections, --duration seconds) on every route, hello first and last. Prints, and writes
to bench/out/results-<scale>.md (and results-both.md), a table: requests/s, ratio to the hello
route of the same run, p50/p99 latency, non-2xx/3xx answers, and the peak RSS of the gunicorn
workers sampled from /proc every 0.2 s.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

from generate import default_url, meta_path  # noqa: E402

THREADS, CONNECTIONS = 2, 20
# (key, label, kind of page for the targets)
ROUTES = [
    ("hello", "hello, Flask route (baseline)"),
    ("wsgi_hello", "hello, WSGI before Flask"),
    ("programme", "programme list /"),
    ("event", "event page"),
    ("results", "contest full results"),
    ("standings", "tournament standings"),
    ("bracket", "tournament bracket"),
    ("feed", "personal feed, full"),
    ("feed304", "personal feed, 304"),
    ("room", "room week view"),
    ("register", "registration POST"),
]
TARGETS = {
    "programme": 0.40,
    "event": 0.40,
    "room": 0.40,
    "results": 0.20,
    "standings": 0.20,
    "feed304": 0.80,
    "feed": 0.25,
}


# ---- gunicorn -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, meta: dict[str, Any], log_path: Path, *, page_cache: bool = True) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.update(EVENTSYS_DATABASE_URL=meta["url"], EVENTSYS_SECRET_KEY=meta["secret_key"])
        # Plain http on loopback: cookies marked Secure would not come back to the bench.
        env.update(EVENTSYS_SESSION_COOKIE_SECURE="false", EVENTSYS_REMEMBER_COOKIE_SECURE="false")
        env["EVENTSYS_PAGE_CACHE"] = "true" if page_cache else "false"
        self.log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-w",
                "2",
                "-b",
                f"127.0.0.1:{self.port}",
                "--chdir",
                str(ROOT),
                "--pythonpath",
                str(BENCH),
                "--timeout",
                "120",
                "--access-logfile",
                "-",
                "--access-logformat",
                "%(s)s %(m)s %(U)s",
                "wsgi_bench:app",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/__hello", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"gunicorn did not start; see {log_path}")
        self.peak: dict[int, int] = {}
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return pids

    def _sample(self) -> None:
        while self._sampling:
            for pid in self.workers():
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            kib = int(line.split()[1])
                            self.peak[pid] = max(self.peak.get(pid, 0), kib)
                except OSError:
                    pass
            time.sleep(0.2)

    def stop(self) -> None:
        self._sampling = False
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


# ---- preparing requests ---------------------------------------------------------------------------


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if not match:
        raise RuntimeError("no csrf_token in the page")
    return match.group(1)


def signed_in_session(base: str, meta: dict[str, Any]) -> tuple[str, str]:
    """Sign the poster in with urllib; return (Cookie header, CSRF token of that session)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(base + "/login").read().decode()
    form = urllib.parse.urlencode(
        {
            "login": meta["poster_login"],
            "password": meta["password"],
            "csrf_token": csrf_from(login_page),
        }
    ).encode()
    opener.open(base + "/login", data=form)
    page = opener.open(f"{base}/events/{meta['post_event_id']}/register").read().decode()
    token = csrf_from(page)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise RuntimeError("sign-in gave no session cookie")
    return cookie, token


def reset_poster(meta: dict[str, Any]) -> None:
    """Forget the poster's registration, so the POST run starts with one real registration."""
    from sqlalchemy import create_engine, text

    engine = create_engine(meta["url"])
    with engine.begin() as connection:
        ids = [
            row[0]
            for row in connection.execute(
                text("SELECT id FROM registration WHERE event_id = :e AND captain_id = :u"),
                {"e": meta["post_event_id"], "u": meta["poster_id"]},
            )
        ]
        for rid in ids:
            connection.execute(
                text("DELETE FROM registration_member WHERE registration_id = :r"), {"r": rid}
            )
            connection.execute(text("DELETE FROM registration WHERE id = :r"), {"r": rid})
    engine.dispose()


def feed_token(meta: dict[str, Any]) -> str:
    import base64
    import hashlib
    import hmac

    from sqlalchemy import create_engine, text

    engine = create_engine(meta["url"])
    with engine.connect() as connection:
        seed = connection.execute(
            text("SELECT calendar_secret FROM user_account WHERE id = :u"),
            {"u": meta["bench_user_id"]},
        ).scalar_one()
    engine.dispose()
    # eventsys.services.calendar.token_for, repeated here so that no app is needed.
    digest = hmac.new(
        meta["secret_key"].encode(),
        f"eventsys-calendar:{meta['bench_user_id']}:{seed}".encode(),
        hashlib.sha256,
    )
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


def lua_script(headers: dict[str, str], method: str = "GET", body: str | None = None) -> str:
    lines = [f'wrk.method = "{method}"']
    for name, value in headers.items():
        lines.append(f'wrk.headers["{name}"] = [[{value}]]')
    if body is not None:
        lines.append(f"wrk.body = [[{body}]]")
    return "\n".join(lines) + "\n"


def plan(server: Server, meta: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """Return {route key: (path, lua script)} after checking each answer once."""
    token = feed_token(meta)
    tid = meta["tournament_id"]
    feed_path = f"/calendar/u/{meta['bench_user_id']}/{token}.ics"
    paths = {
        "hello": "/__flask_hello",
        "wsgi_hello": "/__hello",
        "programme": "/",
        "event": f"/events/{meta['event_id']}",
        "results": f"/contests/{meta['contest_id']}/results",
        "standings": f"/tournaments/{tid}/standings",
        "bracket": f"/tournaments/{tid}/bracket",
        "feed": feed_path,
        "feed304": feed_path,
        "room": f"/venues/{meta['venue_id']}",
        "register": f"/events/{meta['post_event_id']}/register",
    }
    scripts = {key: lua_script({}) for key in paths}
    with urllib.request.urlopen(server.base + feed_path) as response:
        etag = response.headers["ETag"]
        response.read()
    scripts["feed304"] = lua_script({"If-None-Match": etag})
    request = urllib.request.Request(server.base + feed_path, headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request)
        raise RuntimeError("the conditional feed request did not answer 304")
    except urllib.error.HTTPError as error:
        if error.code != 304:
            raise
    reset_poster(meta)
    cookie, csrf = signed_in_session(server.base, meta)
    scripts["register"] = lua_script(
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
        body=urllib.parse.urlencode({"csrf_token": csrf}),
    )
    for key in ("programme", "event", "results", "standings", "bracket", "feed", "room"):
        started = time.perf_counter()
        with urllib.request.urlopen(server.base + paths[key], timeout=120) as response:
            size = len(response.read())
            print(
                f"    {key:10} {response.status} {size:>8} bytes  first request "
                f"{1000 * (time.perf_counter() - started):7.1f} ms",
                flush=True,
            )
    return {key: (paths[key], scripts[key]) for key in paths}


# ---- wrk ------------------------------------------------------------------------------------------


def to_ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def run_wrk(url: str, script: str, duration: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
        path = handle.name
    try:
        completed = subprocess.run(
            [
                "wrk",
                "-t",
                str(THREADS),
                "-c",
                str(CONNECTIONS),
                "-d",
                f"{duration}s",
                "--timeout",
                "30s",
                "--latency",
                "-s",
                path,
                url,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(path)
    text = completed.stdout
    figures: dict[str, Any] = {"raw": text}
    figures["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    figures["requests"] = int(re.search(r"(\d+) requests in", text).group(1))
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", text, re.M)
        figures[f"p{pct}"] = to_ms(match.group(1)) if match else float("nan")
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    figures["non_2xx_3xx"] = int(bad.group(1)) if bad else 0
    errors = re.search(r"Socket errors: (.*)", text)
    figures["socket_errors"] = errors.group(1) if errors else ""
    return figures


def interleaved(
    server: Server,
    path: str,
    script: str,
    hello_path: str,
    hello_script: str,
    args: argparse.Namespace,
) -> dict[str, Any]:
    """Run the route and the hello route in alternating slices; the ratio is of their means.

    Other work on the machine comes and goes; alternating short slices exposes both to the
    same conditions, so their ratio holds steadier than two long runs minutes apart."""
    slices = max(1, args.slices)
    seconds = max(1, round(args.duration / slices))
    route_runs, hello_runs = [], []
    for _ in range(slices):
        hello_runs.append(run_wrk(server.base + hello_path, hello_script, seconds))
        drain(server)
        route_runs.append(run_wrk(server.base + path, script, seconds))
        drain(server)
    rps = sum(run["rps"] for run in route_runs) / slices
    hello_rps = sum(run["rps"] for run in hello_runs) / slices
    p50s = sorted(run["p50"] for run in route_runs)
    return {
        "rps": rps,
        "hello_rps": hello_rps,
        "ratio": rps / hello_rps,
        "p50": p50s[len(p50s) // 2],
        "p99": max(run["p99"] for run in route_runs),
        "non_2xx_3xx": sum(run["non_2xx_3xx"] for run in route_runs),
        "socket_errors": "; ".join(r["socket_errors"] for r in route_runs if r["socket_errors"]),
        "slices": [
            {"route_rps": r["rps"], "hello_rps": h["rps"]}
            for r, h in zip(route_runs, hello_runs, strict=True)
        ],
        "raw": [run["raw"] for run in route_runs],
    }


def drain(server: Server) -> float:
    """Wait until the workers have finished the requests wrk left queued when it stopped.

    A slow route leaves up to CONNECTIONS requests in the listen queue; without this, their
    time would be charged to the next route. Sequential hello requests queue behind them."""
    started = time.perf_counter()
    for _ in range(2 * CONNECTIONS):
        before = time.perf_counter()
        with urllib.request.urlopen(server.base + "/__hello", timeout=300) as response:
            response.read()
        if time.perf_counter() - before < 0.01:
            break
    return time.perf_counter() - started


# ---- one scale ------------------------------------------------------------------------------------


def ensure_data(scale: str, db: str, regenerate: bool) -> dict[str, Any]:
    path = meta_path(scale, db)
    if path.exists() and not regenerate:
        meta = json.loads(path.read_text())
        print(
            f"  reusing {scale} data generated {meta['generated_at']} "
            f"(in {meta['generate_seconds']} s)",
            flush=True,
        )
        return meta
    print(f"  generating {scale} data ...", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "generate.py"),
            "--scale",
            scale,
            "--db",
            db,
            "--url",
            default_url(scale, db),
        ],
        check=True,
        stderr=subprocess.DEVNULL if scale != "tiny" else None,
    )
    return json.loads(path.read_text())


def bench_scale(scale: str, db: str, args: argparse.Namespace) -> dict[str, Any]:
    print(f"== {scale} ({db}) ==", flush=True)
    meta = ensure_data(scale, db, args.regenerate)
    compute: dict[str, Any] = {}
    if not args.skip_compute:
        print("  in-process computation and statement counts ...", flush=True)
        out = subprocess.run(
            [sys.executable, str(BENCH / "compute.py"), "--scale", scale, "--db", db],
            check=True,
            capture_output=True,
            text=True,
        )
        compute = json.loads(out.stdout)
    server = Server(meta, OUT / f"gunicorn-{scale}-{db}.log", page_cache=not args.no_page_cache)
    results: dict[str, Any] = {}
    try:
        print(
            f"  gunicorn on {server.base}, workers {server.workers()}, load average "
            f"{os.getloadavg()[0]:.2f}",
            flush=True,
        )
        routes = plan(server, meta)
        hello_path, hello_script = routes["hello"]
        for key, _label in ROUTES:
            if key == "hello":
                continue
            path, script = routes[key]
            results[key] = interleaved(server, path, script, hello_path, hello_script, args)
            figures = results[key]
            print(
                f"    {key:10} {figures['rps']:9.1f} req/s  (hello beside it "
                f"{figures['hello_rps']:7.1f})  ratio {figures['ratio']:.3f}  "
                f"p50 {figures['p50']:8.2f} ms  p99 {figures['p99']:8.2f} ms  "
                f"non-2xx/3xx {figures['non_2xx_3xx']}"
                f"{'  socket errors ' + figures['socket_errors'] if figures['socket_errors'] else ''}"
                f"  (load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
    finally:
        server.stop()
    hello_runs = [figures["hello_rps"] for figures in results.values()]
    hello = sum(hello_runs) / len(hello_runs)
    results["hello"] = {
        "rps": hello,
        "hello_rps": hello,
        "ratio": 1.0,
        "p50": float("nan"),
        "p99": float("nan"),
        "non_2xx_3xx": 0,
        "socket_errors": "",
    }
    wsgi_ratio = results["wsgi_hello"]["ratio"]
    for figures in results.values():
        figures["ratio_wsgi"] = figures["ratio"] / wsgi_ratio
    peak_mib = max(server.peak.values(), default=0) / 1024
    summary = {
        "scale": scale,
        "db": db,
        "meta": {k: v for k, v in meta.items() if k not in ("secret_key", "password")},
        "hello_rps": hello,
        "routes": results,
        "peak_worker_rss_mib": peak_mib,
        "worker_peaks_mib": {str(pid): kib / 1024 for pid, kib in server.peak.items()},
        "compute": compute,
        "nproc": os.cpu_count(),
        "page_cache": not args.no_page_cache,
        "slices": args.slices,
        "duration": args.duration,
    }
    suffix = "-no-page-cache" if args.no_page_cache else ""
    (OUT / f"results-{scale}-{db}{suffix}.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False, default=str)
    )
    return summary


# ---- tables ---------------------------------------------------------------------------------------


def _ms(value: float) -> str:
    return "–" if value != value else f"{value:.1f}"  # NaN: not measured on its own


def scale_table(summary: dict[str, Any]) -> str:
    meta = summary["meta"]
    counts = meta.get("counts", {})
    lines = [
        f"### {summary['scale']} ({summary['db']}), {summary['nproc']} cores, page cache "
        f"{'on' if summary.get('page_cache', True) else 'off'}",
        "",
        f"Data: {counts.get('members')} members, {counts.get('events')} events, "
        f"{counts.get('occurrences')} sittings, {counts.get('registrations')} registrations, "
        f"{counts.get('checkins')} check-ins, {counts.get('marks')} marks, "
        f"{counts.get('matches')} matches; generated in {meta.get('generate_seconds')} s.",
        f"gunicorn 2 sync workers; wrk -t{THREADS} -c{CONNECTIONS}, {summary['duration']} s "
        f"per route in {summary.get('slices', 1)} slices, each after a slice of the hello "
        f"baseline (the Flask route /__flask_hello); a route's ratio divides its mean by the "
        f"mean of the hello slices beside it (hello over the whole run "
        f"{summary['routes']['hello']['rps']:.0f} req/s).",
        "",
        "| route | req/s | ratio to hello | target | ratio to WSGI hello | p50 ms | p99 ms "
        "| non-2xx/3xx | SQL/request |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    statements = summary.get("compute", {}).get("statements", {})
    by_key = {
        "programme": "programme list",
        "event": "event page",
        "results": "contest results",
        "standings": "tournament standings",
        "bracket": "tournament bracket",
        "feed": "personal feed",
        "room": "room week view",
    }
    for key, label in ROUTES:
        figures = summary["routes"][key]
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            verdict = f"{target:.2f} {'ok' if figures['ratio'] >= target else 'MISSED'}"
        sql = statements.get(by_key.get(key, ""), {}).get("statements", "")
        lines.append(
            f"| {label} | {figures['rps']:.1f} | {figures['ratio']:.3f} | {verdict} | "
            f"{figures['ratio_wsgi']:.3f} | {_ms(figures['p50'])} | {_ms(figures['p99'])} | "
            f"{figures['non_2xx_3xx']} | {sql} |"
        )
    peak = summary["peak_worker_rss_mib"]
    lines += [
        "",
        f"Peak worker RSS: {peak:.0f} MiB (target < 200 MB: "
        f"{'ok' if peak * 1.048576 < 200 else 'MISSED'}); per worker: "
        + ", ".join(f"{v:.0f}" for v in summary["worker_peaks_mib"].values())
        + " MiB.",
    ]
    compute = summary.get("compute") or {}
    if compute:
        c, league = compute["contest"], compute["league"]
        lines += [
            "",
            "In-process (best of 5):",
            "",
            "| computation | rows | read rows | compute | compute / read |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| contest ranking, results.compute ({c['entries']} entries x {c['judges']} judges) "
            f"| {c['rows_read']} | {1000 * c['read_s']:.1f} ms | {1000 * c['compute_s']:.1f} ms "
            f"| {c['ratio']:.1f} |",
            f"| {league['teams']}-team round robin, standings.rank "
            f"({', '.join(league['criteria'])}) | {league['matches']} matches | "
            f"{1000 * league['read_s']:.1f} ms | {1000 * league['rank_s']:.1f} ms | "
            f"{league['ratio']:.2f} |",
            f"| the same, whole service tournament_tables | {league['matches']} matches | "
            f"{1000 * league['read_s']:.1f} ms | {1000 * league['service_s']:.1f} ms | "
            f"{league['service_ratio']:.2f} |",
        ]
    return "\n".join(lines) + "\n"


def both_table(district: dict[str, Any], city: dict[str, Any]) -> str:
    lines = [
        "### city / district",
        "",
        "Cost of a request relative to hello (hello req/s / route req/s), city over district: "
        "1.00 means the page costs the same at ten times the data (target <= 1.25 for "
        "programme, event page, room week view).",
        "",
        "| route | district req/s | city req/s | district ratio | city ratio | city/district cost |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in ROUTES:
        d, c = district["routes"][key], city["routes"][key]
        cost = d["ratio"] / c["ratio"] if c["ratio"] else float("inf")
        lines.append(
            f"| {label} | {d['rps']:.1f} | {c['rps']:.1f} | {d['ratio']:.3f} | "
            f"{c['ratio']:.3f} | {cost:.2f} |"
        )
    lines.append(
        f"\nPeak worker RSS: district {district['peak_worker_rss_mib']:.0f} MiB, "
        f"city {city['peak_worker_rss_mib']:.0f} MiB."
    )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=("tiny", "district", "city", "both"), default="both")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--duration", type=int, default=10, help="seconds of load per route (and as many of hello)"
    )
    parser.add_argument(
        "--slices", type=int, default=5, help="alternate route and hello this many times"
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data sets")
    parser.add_argument("--skip-compute", action="store_true")
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve with PAGE_CACHE off: every request builds its page (shows the queries' cost)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install -y wrk   (Debian package 'wrk')")
    OUT.mkdir(parents=True, exist_ok=True)
    scales = ["district", "city"] if args.scale == "both" else [args.scale]
    started = time.perf_counter()
    summaries = {scale: bench_scale(scale, args.db, args) for scale in scales}
    text = ""
    for scale, summary in summaries.items():
        table = scale_table(summary)
        suffix = "-no-page-cache" if args.no_page_cache else ""
        (OUT / f"results-{scale}-{args.db}{suffix}.md").write_text(table)
        text += table + "\n"
    if len(summaries) == 2:
        table = both_table(summaries["district"], summaries["city"])
        suffix = "-no-page-cache" if args.no_page_cache else ""
        (OUT / f"results-both-{args.db}{suffix}.md").write_text(table)
        text += table
    print()
    print(text)
    print(f"(whole run {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
