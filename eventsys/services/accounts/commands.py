"""Writes on a person's own account that the views used to make by hand (flush, never commit)."""

from __future__ import annotations

from eventsys.extensions import db
from eventsys.models import User
from eventsys.pinyin import name_pinyin
from eventsys.services import audit


def update_profile(user: User, *, name: str, language: str) -> None:
    """Save the person's own name (and its pinyin, for sorting) and language, audited."""
    before = {"name": user.name, "language": user.language}
    user.name = name
    user.name_pinyin = name_pinyin(name)
    user.language = language
    audit.record(
        user,
        "user.profile",
        "user",
        user.id,
        before=before,
        after={"name": user.name, "language": user.language},
    )
    db.session.flush()


def set_language(user: User, language: str) -> None:
    """Remember the language the person chose in the switch."""
    user.language = language
    db.session.flush()


def set_sms_opt_out(user: User, *, opt_out: bool) -> None:
    """Say whether the person's notices also come by text message (audited)."""
    if user.sms_opt_out == opt_out:
        return
    before = {"sms_opt_out": user.sms_opt_out}
    user.sms_opt_out = opt_out
    audit.record(
        user, "user.sms_opt_out", "user", user.id, before=before, after={"sms_opt_out": opt_out}
    )
    db.session.flush()
