"""Sign-up, sign-in with a shared attempt limit, roles and passwords."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select

from eventsys.domain.text import looks_like_phone, normalise, normalise_phone
from eventsys.errors import Conflict, EventsysError, NotFound
from eventsys.extensions import db
from eventsys.models import ROLES, LoginFailure, Organisation, User
from eventsys.pinyin import name_pinyin
from eventsys.services import audit

# A dummy hash so that an unknown login costs as much time as a wrong password.
_DUMMY = User(password_hash="")


@dataclass(frozen=True)
class NewUser:
    name: str
    login: str
    password: str
    phone: str | None = None
    organisation_id: int | None = None
    roles: tuple[str, ...] = ("participant",)


def _check_unique(login: str, phone: str | None, *, exclude_id: int | None = None) -> None:
    query = select(User.id, User.login, User.phone).where(
        or_(func.lower(User.login) == login.lower(), User.phone == phone if phone else False)
    )
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    for _id, taken_login, taken_phone in db.session.execute(query):
        if taken_login.lower() == login.lower():
            raise Conflict(
                _("This login name is already taken; please choose another."), field="login"
            )
        if phone and taken_phone == phone:
            raise Conflict(_("This phone number is already registered."), field="phone")


def create_user(data: NewUser, *, actor: User | None) -> User:
    """Create an account; *actor* is None when people sign themselves up."""
    login = data.login.strip()
    phone = normalise_phone(data.phone) if data.phone else None
    if looks_like_phone(login) and not phone:
        phone = normalise_phone(login)
    unknown = set(data.roles) - set(ROLES)
    if unknown or not data.roles:
        raise EventsysError(_("Choose at least one known role."), field="roles")
    if (
        data.organisation_id is not None
        and db.session.get(Organisation, data.organisation_id) is None
    ):
        raise NotFound(_("Choose an organisation from the list."), field="organisation_id")
    _check_unique(login, phone)
    user = User(
        name=data.name,
        name_pinyin=name_pinyin(data.name),
        login=login,
        phone=phone,
        organisation_id=data.organisation_id,
        is_organizer="organizer" in data.roles,
        is_judge="judge" in data.roles,
        is_participant="participant" in data.roles,
    )
    user.set_password(data.password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor or user, "user.create", "user", user.id, after={"roles": list(user.roles)})
    return user


def _failure_key(login: str) -> str:
    return login.strip().lower()[:80]


def authenticate(login: str, password: str, *, now: datetime) -> User:
    """Return the user with these credentials, or refuse without saying which part was wrong."""
    key = _failure_key(login)
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    failures = db.session.scalar(
        select(func.count()).where(LoginFailure.key == key, LoginFailure.at > now - window)
    )
    if failures is not None and failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise EventsysError(
            _(
                "Too many failed attempts. Please wait %(minutes)d minutes or call the help line.",
                minutes=current_app.config["LOGIN_WINDOW_MINUTES"],
            )
        )
    phone = normalise_phone(login) if looks_like_phone(login) else None
    query = select(User).where(
        or_(func.lower(User.login) == key, User.phone == phone if phone else False)
    )
    user = db.session.scalars(query).first()
    candidate = user if user is not None else _DUMMY
    ok = bool(candidate.password_hash) and candidate.check_password(password)
    if not ok:
        if not candidate.password_hash:
            # Spend the same effort as a real check, so timing does not reveal unknown logins.
            _DUMMY.set_password(password)
        db.session.add(LoginFailure(key=key, at=now))
        db.session.flush()
        raise EventsysError(_("The login name or password is not right. Please try again."))
    if user is None or not user.active:
        raise EventsysError(_("The login name or password is not right. Please try again."))
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change the password and sign the user out of every other session."""
    if not user.check_password(current):
        raise EventsysError(_("The current password is not right."), field="current_password")
    user.set_password(new)
    user.session_version += 1
    audit.record(user, "user.password", "user", user.id)
    db.session.flush()


def sign_out_everywhere(user: User) -> None:
    """End every session of *user*, on every device, remember-me cookies included.

    Sessions and remember-me cookies carry "id:session_version" (User.get_id); the loader
    refuses any version but the current one, so one increment ends them all."""
    before = {"session_version": user.session_version}
    user.session_version += 1
    audit.record(
        user,
        "user.sign_out_everywhere",
        "user",
        user.id,
        before=before,
        after={"session_version": user.session_version},
    )
    db.session.flush()


def set_roles(user: User, roles: tuple[str, ...], *, actor: User) -> None:
    """Give *user* exactly these roles; an organizer cannot remove their own organizer role."""
    if not roles or set(roles) - set(ROLES):
        raise EventsysError(_("Choose at least one known role."), field="roles")
    if user.id == actor.id and "organizer" not in roles:
        raise EventsysError(_("You cannot remove your own organizer role."), field="roles")
    before = {"roles": list(user.roles)}
    user.is_organizer = "organizer" in roles
    user.is_judge = "judge" in roles
    user.is_participant = "participant" in roles
    audit.record(actor, "user.roles", "user", user.id, before=before, after={"roles": list(roles)})
    db.session.flush()


def load_user_by_session_id(session_id: str) -> User | None:
    """Return the user a session cookie names, if its version is still current."""
    user_id, _sep, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.active:
        return None
    return user


def find_by_login_or_phone(key: str) -> User | None:
    """Find a member by login name (any case) or phone number, however it was typed."""
    key = normalise(key)
    if not key:
        return None
    phone = normalise_phone(key) if looks_like_phone(key) else None
    condition = func.lower(User.login) == key.lower()
    if phone:
        condition = condition | (User.phone == phone)
    return db.session.scalars(select(User).where(condition)).first()
