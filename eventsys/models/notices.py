"""Notices on their way out of the app: one row per text message (SMS) to send.

A row is queued in the transaction that writes its notice (so a rolled-back change sends
nothing) and sent later by the worker (`flask --app wsgi send-messages`), never by a page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db
from eventsys.models.types import UTCDateTime, code_type
from eventsys.timeutil import utcnow

CHANNELS = ("sms",)
OUTBOUND_STATUSES = ("queued", "sent", "failed")


class OutboundMessage(db.Model):  # type: ignore[name-defined,misc]
    """A notice to send through a channel: queued, then sent or (after its tries) failed."""

    __tablename__ = "outbound_message"
    __table_args__ = (Index("ix_outbound_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(code_type(CHANNELS, name="channel_known", length=8))
    to: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(
        code_type(OUTBOUND_STATUSES, name="status_known", length=8), default="queued"
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
