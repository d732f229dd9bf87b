"""Send the queued text messages (outbound_message) through their channel, with retries.

Channels are a named registry (CHANNELS); today one, ``sms``: a JSON POST ``{"to", "text"}``
to the gateway at SMS_URL, any 2xx meaning accepted, anything else (an error status, no answer
within SMS_TIMEOUT_SECONDS, a refused connection) a failed attempt, tried again after the
back-off of eventsys.domain.backoff and given up after SMS_MAX_ATTEMPTS.

Never sent twice: the worker (``flask --app wsgi send-messages``) takes one due message at a
time, sends it, and marks it sent in the same unit of work.

* PostgreSQL: the row is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and its lock held
  while it is sent and marked, then committed: several workers never take the same row.
* SQLite: one worker only. The due row is read without holding the write lock (a page's write
  never waits for a gateway), sent, then marked in a short write transaction whose UPDATE
  names the row's status and attempts as read, so a row changed meanwhile is left alone.

The one window: a worker that dies after the gateway accepted a message and before its commit
leaves the row queued, and the message is sent again on the next run. No page ever sends:
pages only queue (eventsys.services.notices)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from eventsys.domain.backoff import Schedule, retry_delay
from eventsys.extensions import db
from eventsys.models.notices import OutboundMessage


class DeliveryFailed(Exception):
    """The channel did not take the message (the reason is kept as the row's last error)."""


def send_sms(config: Mapping[str, Any], to: str, text: str) -> None:
    """Hand one text message to the HTTP gateway; raise DeliveryFailed unless it says 2xx."""
    url = str(config["SMS_URL"])
    if not url.startswith(("http://", "https://")):
        raise DeliveryFailed("SMS_URL is not an http:// or https:// address")
    body = json.dumps({"to": to, "text": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310  # nosec B310 (the scheme is checked above)
        url,
        data=body,
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        timeout = float(config["SMS_TIMEOUT_SECONDS"])
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310  # nosec B310
            status = answer.status
    except urllib.error.HTTPError as error:
        raise DeliveryFailed(f"gateway answered {error.code}") from error
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryFailed(f"gateway unreachable: {reason}") from error
    if not 200 <= status < 300:
        raise DeliveryFailed(f"gateway answered {status}")


Channel = Callable[[Mapping[str, Any], str, str], None]
CHANNELS: dict[str, Channel] = {"sms": send_sms}


@dataclass(frozen=True)
class Due:
    """A claimed message, as plain values (it outlives the transaction that read it)."""

    id: int
    channel: str
    to: str
    text: str
    attempts: int


def schedule(config: Mapping[str, Any]) -> Schedule:
    return Schedule(
        first_seconds=int(config["SMS_FIRST_RETRY_SECONDS"]),
        cap_seconds=int(config["SMS_MAX_RETRY_SECONDS"]),
        max_attempts=int(config["SMS_MAX_ATTEMPTS"]),
    )


def claim(now: datetime, *, skip: Collection[int] = ()) -> Due | None:
    """The next message due at *now* (but none of *skip*, those handled in this pass), its row
    locked until the transaction ends (PostgreSQL; other workers skip it), or None."""
    row = db.session.scalars(
        select(OutboundMessage)
        .where(
            OutboundMessage.status == "queued",
            OutboundMessage.next_attempt_at <= now,
            OutboundMessage.id.not_in(list(skip)),
        )
        .order_by(OutboundMessage.next_attempt_at, OutboundMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if row is None:
        return None
    return Due(row.id, row.channel, row.to, row.text, row.attempts)


def deliver(due: Due, config: Mapping[str, Any]) -> str | None:
    """Send *due* through its channel; return None when taken, else why not."""
    try:
        CHANNELS[due.channel](config, due.to, due.text)
    except DeliveryFailed as failure:
        return str(failure)[:300]
    return None


def record(due: Due, error: str | None, *, now: datetime, config: Mapping[str, Any]) -> str:
    """Mark *due* sent, or note the failed attempt and when to try again (or give it up);
    return its new status. Flushes; the caller commits."""
    attempts = due.attempts + 1
    values: dict[str, Any] = {"attempts": attempts}
    if error is None:
        values |= {"status": "sent", "sent_at": now, "last_error": None}
    else:
        delay = retry_delay(attempts, schedule(config))
        values["last_error"] = error
        if delay is None:
            values["status"] = "failed"
        else:
            values["next_attempt_at"] = now + timedelta(seconds=delay)
    db.session.execute(
        update(OutboundMessage)
        .where(
            OutboundMessage.id == due.id,
            OutboundMessage.status == "queued",
            OutboundMessage.attempts == due.attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return str(values.get("status", "queued"))
