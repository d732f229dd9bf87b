"""bench/day.py works end to end (tiny data, short phases, few clients, SQLite): every phase
runs, the judges', referee's and registrants' forms are accepted, staleness is measured and
the report has a verdict per target. No figure's size is asserted: speed is bench/'s business.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import day  # noqa: E402


def _write(received: float, server: int = 0, ok: bool = True) -> day.Write:
    return day.Write("judge", received - 0.05, received, 302 if ok else 422, ok, server)


def test_staleness_counts_each_save_until_a_reader_shows_the_figure_it_implies() -> None:
    # Sheets in before: 10. Saves answered at 1.0 and 2.0 (a refused one between counts not).
    writes = [_write(1.0), _write(1.5, ok=False), _write(2.0)]
    # Readers: 10 at 1.1 (stale), 11 at 1.3, 11 at 2.2 (the 2nd save not yet), 12 at 2.5.
    seen = [(1.1, 10), (1.3, 11), (2.2, 11), (2.5, 12)]
    figures = day.staleness(writes, seen, 10, stop=10.0)
    assert figures["n"] == 2 and figures["unseen"] == 0
    assert math.isclose(figures["p50"], 300.0, abs_tol=1e-6)  # of 300 ms and 500 ms
    assert math.isclose(figures["max"], 500.0, abs_tol=1e-6)


def test_staleness_ignores_readers_answered_before_the_save_and_reports_the_unseen() -> None:
    writes = [_write(1.0), _write(9.5)]  # the second in the phase's last second
    seen = [(0.9, 11), (3.0, 10)]  # 11 before the save's answer; after it only a stale 10
    figures = day.staleness(writes, seen, 10, stop=10.0)
    assert figures["unseen"] == 1 and figures["n"] == 1  # the late one is not counted


def test_staleness_through_one_server_keeps_the_ordinal_of_all_saves() -> None:
    writes = [_write(1.0, server=0), _write(2.0, server=1)]
    seen = [(1.2, 11), (2.1, 12)]
    through_b = day.staleness(writes, seen, 10, stop=10.0, through=1)
    assert through_b["n"] == 1 and math.isclose(through_b["p50"], 100.0, abs_tol=1e-6)


def test_the_form_reader_takes_the_form_posting_back_not_the_sign_out_form() -> None:
    page = (
        '<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="a">'
        '</form><form method="post" novalidate><input name="csrf_token" type="hidden" value="b">'
        '<input name="mark_1" value=""><select name="outcome"><option value="played" selected>'
        '</option></select><button name="action" value="submit"></button></form>'
    )
    assert day.post_form(page, "/judging/1/entries/2") == {
        "csrf_token": "b",
        "mark_1": "",
        "outcome": "played",
    }


@pytest.mark.slow
def test_the_day_runs_end_to_end_on_sqlite(tmp_path: Path) -> None:
    out = tmp_path / "day.json"
    completed = subprocess.run(
        [
            *(sys.executable, str(ROOT / "bench" / "day.py"), "--tiny", "--seconds", "3"),
            *("--db", "sqlite", "--spectators", "4", "--browsers", "4", "--registrants", "6"),
            *("--cache-off-clients", "2", "--warmup", "1", "--json", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    phases = json.loads(out.read_text())["phases"]
    assert set(phases) == {
        "hello",
        "judging-quiet-4",
        "judging-4",
        "referee-quiet",
        "referee",
        "browse-quiet",
        "registration",
        "cache-off:hello",
        "cache-off:programme",
        "cache-off:results",
    }
    for name, figures in phases.items():
        assert figures["all"]["errors"] == 0, name
        assert all(page["requests"] > 0 for page in figures["pages"].values()), name
    judging = phases["judging-4"]
    assert judging["writes"]["n"] >= 7 and judging["writes"]["statuses"] == [302]
    assert judging["stale_poll"]["n"] > judging["stale_poll"]["unseen"]
    assert "stale_stream" in judging or "stream" in judging["stream_note"]
    assert phases["referee"]["writes"]["statuses"] == [302]
    assert phases["referee"]["stale_poll"]["n"] >= 1
    assert phases["registration"]["writes"]["ok"] >= 1
    assert phases["registration"]["writes"]["statuses"] == [302]
    verdicts = re.findall(r"^- (PASS|FAIL|N/A ) (.*)$", completed.stdout, re.M)
    texts = " | ".join(text for _, text in verdicts)
    for target in (
        "judging-4: every spectator page >= 0.8 of its no-write rate",
        "judging-4: spectators >= 0.4 of hello",
        "judging-4: spectators' p99 <= 200 ms",
        "judging-4: staleness p99 <= 1 s polling",
        "judging-4: judges' save p99 <= 250 ms",
        "registration day: programme >= 0.8",
        "registration day: event pages >= 0.8",
        "cache off: programme >= 0.2 of hello",
        "cache off: results >= 0.2 of hello",
    ):
        assert target in texts, target


def test_staleness_lists_each_delay_so_that_two_servers_can_be_merged() -> None:
    figures = day.staleness([_write(1.0), _write(2.0)], [(1.25, 11), (2.5, 12)], 10, stop=10.0)
    assert figures["delays_ms"] == [250.0, 500.0]


def test_the_stream_watcher_reads_event_ids_and_skips_a_missing_route() -> None:
    import http.server
    import threading
    import time

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/contests/1/stream":
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for version in (7, 8, 9):
                self.wfile.write(f"id: {version}\nevent: board\ndata: {{}}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.05)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        missing = day.StreamWatcher(base, "/contests/2/stream")
        assert "404" in missing.skipped
        watcher = day.StreamWatcher(base, "/contests/1/stream")
        assert watcher.skipped == ""
        watcher.thread.join(timeout=5)  # the server ends the stream after three events
        watcher.close()
        assert [version for _, version in watcher.events] == [7, 8, 9]
    finally:
        server.shutdown()
        server.server_close()
