"""The SMS worker (`flask --app wsgi send-messages`) against a real HTTP server on loopback
standing in for the gateway: it answers 200, answers 500, or does not answer in time."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from eventsys.extensions import db
from eventsys.models import Event, Notice
from eventsys.models.notices import OutboundMessage
from eventsys.services import notices
from eventsys.timeutil import utcnow


class Gateway:
    """A loopback HTTP server that records each POST and answers as told."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 200
        self.delay = 0.0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                gateway.received.append(json.loads(self.rfile.read(length)))
                time.sleep(gateway.delay)
                try:
                    self.send_response(gateway.status)
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:
                    pass  # the worker gave up waiting and hung up

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(app: Flask) -> Iterator[Gateway]:
    server = Gateway()
    saved = {key: app.config[key] for key in ("SMS_URL", "SMS_TIMEOUT_SECONDS", "SMS_MAX_ATTEMPTS")}
    app.config.update(SMS_URL=server.url, SMS_TIMEOUT_SECONDS=0.5, SMS_MAX_ATTEMPTS=3)
    yield server
    app.config.update(saved)
    server.close()


@pytest.fixture
def queue_one(app: Flask, make_event: Callable[..., int], make_user: Callable[..., int]):  # type: ignore[no-untyped-def]
    """Leave one notice for a member with a phone (queueing its text message); return its id."""

    def queue() -> int:
        event_id = make_event(title="重阳节慰问演出")
        member_id = make_user(phone="13800138000")
        with app.app_context():
            event = db.session.get(Event, event_id)
            notices.notify([member_id], "event_cancelled", now=utcnow(), event=event)
            db.session.commit()
            return db.session.scalars(select(OutboundMessage.id)).one()

    return queue


def run_worker(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["send-messages", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def message(app: Flask, message_id: int) -> OutboundMessage:
    with app.app_context():
        row = db.session.get(OutboundMessage, message_id)
        assert row is not None
        db.session.expunge(row)
        return row


def make_due(app: Flask, message_id: int) -> None:
    with app.app_context():
        db.session.execute(
            update(OutboundMessage)
            .where(OutboundMessage.id == message_id)
            .values(next_attempt_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()


def test_a_message_the_gateway_takes_is_sent_once_and_marked_sent(
    app: Flask, gateway: Gateway, queue_one: Callable[[], int]
) -> None:
    message_id = queue_one()
    assert run_worker(app).strip() == "sent 1, to try again 0, given up 0"
    assert len(gateway.received) == 1
    (body,) = gateway.received
    assert body["to"] == "13800138000" and "重阳节慰问演出" in body["text"]
    sent = message(app, message_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert sent.sent_at is not None
    make_due(app, message_id)  # even when its time comes round again, a sent row stays sent
    assert run_worker(app).strip() == "sent 0, to try again 0, given up 0"
    assert len(gateway.received) == 1


def test_a_500_is_tried_again_after_the_back_off_and_given_up_after_the_last_try(
    app: Flask, gateway: Gateway, queue_one: Callable[[], int]
) -> None:
    gateway.status = 500
    message_id = queue_one()
    # Tried again SMS_FIRST_RETRY_SECONDS (60) after the failed try, then twice that.
    minute = timedelta(seconds=60)
    for attempt, delay in ((1, minute), (2, 2 * minute)):
        before = utcnow()
        assert run_worker(app).strip() == "sent 0, to try again 1, given up 0"
        after = utcnow()
        row = message(app, message_id)
        assert (row.status, row.attempts) == ("queued", attempt)
        assert row.last_error == "gateway answered 500"
        assert before + delay <= row.next_attempt_at <= after + delay
        run_worker(app)  # not due yet: the gateway is not asked
        assert len(gateway.received) == attempt
        make_due(app, message_id)
    assert run_worker(app).strip() == "sent 0, to try again 0, given up 1"
    given_up = message(app, message_id)
    assert (given_up.status, given_up.attempts) == ("failed", 3)
    assert len(gateway.received) == 3


def test_a_gateway_that_does_not_answer_in_time_is_a_failed_try(
    app: Flask, gateway: Gateway, queue_one: Callable[[], int]
) -> None:
    """SMS_TIMEOUT_SECONDS is 0.5 here; the gateway takes 2 s to answer."""
    message_id, gateway.delay = queue_one(), 2.0
    assert run_worker(app).strip() == "sent 0, to try again 1, given up 0"
    row = message(app, message_id)
    assert row.status == "queued" and row.attempts == 1
    assert "timed out" in (row.last_error or "")
    gateway.delay = 0.0
    make_due(app, message_id)
    assert run_worker(app).strip() == "sent 1, to try again 0, given up 0"


def test_a_page_only_queues_it_never_asks_the_gateway(
    app: Flask, gateway: Gateway, signed_in: Callable[..., Any], make_user: Callable[..., int]
) -> None:
    from tests.conftest import csrf
    from tests.web.test_notices_pages import group_of

    staff = signed_in("organizer")
    member_id = make_user(phone="13800138009")
    url = f"/manage/groups/{group_of(app, '晓月诗社', [member_id])}/notice"
    answer = staff.post(url, data={"csrf_token": csrf(staff, url), "text": "周三排练改到下午"})
    assert answer.status_code == 302
    assert gateway.received == []
    with app.app_context():
        (row,) = db.session.scalars(select(OutboundMessage)).all()
        assert (row.to, row.status) == ("13800138009", "queued")
        assert db.session.get(Notice, row.notice_id).user_id == member_id


def test_without_a_gateway_the_worker_says_so(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["send-messages", "--once"])
    assert result.exit_code != 0
    assert "EVENTSYS_SMS_URL is not set" in result.output


# PostgreSQL only: SQLite runs one worker (README, Notices), so there is nothing to race there.
@pytest.mark.parametrize("backend_app", ["postgresql"], indirect=True)
def test_two_workers_on_postgresql_never_send_a_message_twice(
    app: Flask, gateway: Gateway, make_event: Callable[..., int], make_user: Callable[..., int]
) -> None:
    """Each row is claimed FOR UPDATE SKIP LOCKED and its lock held until it is marked."""
    from eventsys.cli import send_due_messages

    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
    event_id = make_event(title="门球友谊赛")
    members = [make_user(phone=f"139001390{n:02d}") for n in range(30)]
    with app.app_context():
        notices.notify(
            members, "sitting_skipped", now=utcnow(), event=db.session.get(Event, event_id)
        )
        db.session.commit()
    gateway.delay = 0.02
    counts: list[dict[str, int]] = []

    def worker() -> None:
        with app.app_context():
            counts.append(send_due_messages(app))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(c["sent"] for c in counts) == 30
    assert sorted(body["to"] for body in gateway.received) == sorted(
        f"139001390{n:02d}" for n in range(30)
    )
    with app.app_context():
        rows = db.session.scalars(select(OutboundMessage)).all()
        assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
