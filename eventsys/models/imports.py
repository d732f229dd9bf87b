"""A spreadsheet uploaded for a member import, kept between its preview and its confirmation.

Kept in the database rather than on one server's disk, so that the confirmation may reach
another app server than the upload did; deleted in the transaction that applies it (a second
click on "Confirm" finds nothing to apply) and forgotten after a day otherwise."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from eventsys.extensions import db
from eventsys.models.types import UTCDateTime
from eventsys.timeutil import utcnow


class ImportUpload(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "import_upload"

    # Random, in the preview's address; the uploader's own (services.member_import checks).
    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    uploaded_by_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    create_units: Mapped[bool] = mapped_column(Boolean, default=False)
    allow_same_name: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
