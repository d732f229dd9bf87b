"""Sign-up and sign-in with limits shared through the database, signed-in devices, roles and
passwords."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash

from eventsys.database import write_intent
from eventsys.domain.text import looks_like_phone, normalise, normalise_phone
from eventsys.errors import Conflict, EventsysError, NotFound, TooManyAttempts
from eventsys.extensions import db
from eventsys.models import (
    ROLES,
    LoginSession,
    LoginThrottle,
    Notice,
    Organisation,
    SignupRefusal,
    User,
)
from eventsys.models.users import hash_password
from eventsys.pinyin import name_pinyin
from eventsys.services import audit
from eventsys.timeutil import utcnow

# A dummy hash so that an unknown login costs as much time as a wrong password.
_DUMMY = User(password_hash="")

# A signed-in device's last_seen_at is written at most this often.
TOUCH_EVERY = timedelta(minutes=5)
_RANDOM = secrets.SystemRandom()


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
            if looks_like_phone(login):
                raise Conflict(_taken_phone_message(), field="login")
            free = free_logins_like(login)
            if not free:
                raise Conflict(
                    _("This login name is already taken; please choose another."), field="login"
                )
            raise Conflict(
                _(
                    "This login name is already taken. These are free: %(names)s. "
                    "Your mobile number also works as a login name.",
                    names=_(", ").join(free),
                ),
                field="login",
            )
        if phone and taken_phone == phone:
            raise Conflict(_taken_phone_message(), field="phone")


def _taken_phone_message() -> str:
    return _(
        "This phone number is already registered. If it is yours, sign in with it; if you "
        "forgot the password, call the centre."
    )


def free_logins_like(login: str, *, count: int = 3) -> list[str]:
    """Suggest up to *count* free login names made from *login* (wangli27, wangli58...).

    The numbers are drawn at random, not counted up: were wangli2 left out of "wangli3,
    wangli4", the suggestion itself would tell that someone signs in as wangli2."""
    base = re.sub(r"\d+$", "", login)[:60] or login[:60]
    numbers = _RANDOM.sample(range(10, 100), 4 * count)
    candidates = [f"{base}{n}" for n in numbers]
    taken = {
        name.lower()
        for name in db.session.scalars(
            select(User.login).where(func.lower(User.login).in_([c.lower() for c in candidates]))
        )
    }
    return [c for c in candidates if c.lower() not in taken and c.lower() != login.lower()][:count]


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
    # Hash before looking the names up: a taken name then costs as much time as a free one,
    # so the answer's timing says nothing the throttled message does not (see sign_up).
    password_hash = hash_password(data.password)
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
        password_hash=password_hash,
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor or user, "user.create", "user", user.id, after={"roles": list(user.roles)})
    return user


def sign_up(data: NewUser, *, address: str | None, now: datetime) -> User:
    """Let someone create their own account, within a per-address limit on probing for names.

    Sign-up cannot help telling whether a login name or phone number is taken: the account
    is refused. OWASP's remedy, answering the same either way and sending the details out of
    band, needs an e-mail address, and this centre's members have none to give. So the answer
    stays plain and helpful for the elderly person in front of it (free names like theirs are
    suggested), and probing is made slow instead: every sign-up refused for a taken name or
    number is recorded per client address, in the database so that all workers count together,
    and after SIGNUP_MAX_REFUSALS of them within SIGNUP_WINDOW_MINUTES every sign-up from that
    address is refused, before any name is looked up, with one message whatever the name. Free
    names are not counted: trying one creates an account, which tells a prober nothing about
    anyone else, and a busy sign-up morning on the centre's Wi-Fi shares one address. A taken
    name and a free one cost the same time (the password is hashed in both cases)."""
    minutes = probing_window_minutes()
    if probing_limit_reached(address, now=now):
        raise TooManyAttempts(
            _(
                "Too many sign-ups were tried from here. Please wait %(minutes)d minutes, or "
                "call the centre and we will make your account.",
                minutes=minutes,
            )
        )
    try:
        return create_user(data, actor=None)
    except Conflict:
        record_probe(address, now=now)
        raise


def probing_window_minutes() -> int:
    """How long a refused probe (a taken name at sign-up, an unknown team-mate) is counted."""
    return int(current_app.config["SIGNUP_WINDOW_MINUTES"])


def probing_limit_reached(address: str | None, *, now: datetime) -> bool:
    """Tell whether *address* has used up its refused probes for the window (the one limit
    shared by sign-up and the team-mate lookup, counted in the database by every worker)."""
    limit = current_app.config["SIGNUP_MAX_REFUSALS"]
    since = now - timedelta(minutes=probing_window_minutes())
    refusals = db.session.scalar(
        select(func.count()).where(
            SignupRefusal.address == client_key(address), SignupRefusal.at > since
        )
    )
    return refusals is not None and refusals >= limit


def record_probe(address: str | None, *, now: datetime) -> None:
    """Count one answer that told *address* whether a name or number exists (the caller
    commits it even though the request is refused)."""
    since = now - timedelta(minutes=probing_window_minutes())
    db.session.execute(delete(SignupRefusal).where(SignupRefusal.at <= since))
    db.session.add(SignupRefusal(address=client_key(address), at=now))
    db.session.flush()


def client_key(address: str | None) -> str:
    """The key the sign-up limit counts by: an IPv4 address, or the /64 network of an IPv6 one.

    One household, or one phone, is given a whole IPv6 /64: counting single addresses would
    give a prober billions of fresh starts."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


# ---- sign-in limits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInAttempt:
    """A sign-in whose try is already counted (reserve_sign_in), waiting for its password check.

    Holds what the check needs, so that it runs with no transaction open (the reservation is
    committed first and no lock is held while the password is hashed)."""

    user_id: int | None
    password_hash: str
    active: bool
    keys: tuple[str, ...]


def login_identity(login: str) -> tuple[str, str | None]:
    """Read a typed login as sign-in resolves it: (login name in lower case, phone or None).

    The one normalisation of sign-in: the lookup and the limits' keys both use it, so every
    spelling of one number or name (138-0013-8000, １３８００１３８０００) is the same person."""
    key = normalise(login).lower()
    phone = normalise_phone(key) if looks_like_phone(key) else None
    return key, phone


def _account_key(login: str, user: User | None) -> str:
    """Whom the limits count a try against: the person, or the normalised unknown login."""
    if user is not None:
        return f"user:{user.id}"
    key, phone = login_identity(login)
    return f"phone:{phone}" if phone else f"login:{key[:80]}"


def _limit_keys(account: str, address: str) -> dict[str, int]:
    """The keys one try is counted under, each with its limit (see authenticate)."""
    config = current_app.config
    return {
        f"pair:{account}@{address}"[:160]: config["LOGIN_MAX_FAILURES"],
        f"address:{address}"[:160]: config["LOGIN_ADDRESS_MAX_FAILURES"],
        f"account:{account}"[:160]: config["LOGIN_ACCOUNT_MAX_FAILURES"],
    }


def _delay(beyond: int) -> timedelta:
    """The wait after the limit is reached: the first delay, doubled by every further failure."""
    first = current_app.config["LOGIN_FIRST_DELAY_MINUTES"]
    longest = current_app.config["LOGIN_MAX_DELAY_MINUTES"]
    return timedelta(minutes=min(longest, first * 2 ** min(beyond, 20)))


def _insert_ignoring_existing(keys: list[str]) -> None:
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    for key in keys:  # in key order, so that two sign-ins never wait for each other in a circle
        db.session.execute(
            insert(LoginThrottle).values(key=key, failures=0).on_conflict_do_nothing()
        )


def _locked_rows(keys: list[str]) -> list[LoginThrottle]:
    _insert_ignoring_existing(keys)
    return list(
        db.session.scalars(
            select(LoginThrottle)
            .where(LoginThrottle.key.in_(keys))
            .order_by(LoginThrottle.key)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


def _too_many(until: datetime, now: datetime) -> TooManyAttempts:
    minutes = max(1, -(-int((until - now).total_seconds()) // 60))
    return TooManyAttempts(
        ngettext(
            "Too many failed attempts. Please wait %(num)d minute or call the help line.",
            "Too many failed attempts. Please wait %(num)d minutes or call the help line.",
            minutes,
        )
    )


def reserve_sign_in(login: str, *, address: str | None, now: datetime) -> SignInAttempt:
    """Count a sign-in try before its password is checked, or refuse it while a limit holds.

    The rows of the try's keys are locked (in key order; on SQLite the write request holds the
    database's lock from BEGIN IMMEDIATE) and the try is written as a failure at once: of any
    number of simultaneous tries, at most the limit get as far as a password check. Commit
    before checking the password (complete_sign_in); a right password takes the try back."""
    user = find_by_login_or_phone(login)
    limits = _limit_keys(_account_key(login, user), client_key(address))
    keys = sorted(limits)
    rows = _locked_rows(keys)
    forget = now - timedelta(hours=current_app.config["LOGIN_FORGET_HOURS"])
    for row in rows:
        if row.last_failure_at is not None and row.last_failure_at <= forget:
            row.failures, row.blocked_until = 0, None
    blocked = [row.blocked_until for row in rows if row.blocked_until and row.blocked_until > now]
    if blocked:
        db.session.flush()
        raise _too_many(max(blocked), now)
    for row in rows:
        row.failures += 1
        row.last_failure_at = now
        beyond = row.failures - limits[row.key]
        if beyond >= 0:
            row.blocked_until = now + _delay(beyond)
    if _RANDOM.random() < 0.02:  # now and then, forget keys nobody has failed on for long
        db.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_failure_at <= forget, LoginThrottle.key.not_in(keys)
            )
        )
    db.session.flush()
    return SignInAttempt(
        user_id=user.id if user is not None else None,
        password_hash=user.password_hash if user is not None else "",
        active=bool(user.active) if user is not None else False,
        keys=tuple(keys),
    )


def check_attempt_password(attempt: SignInAttempt, password: str) -> bool:
    """Check the password of a reserved try, in constant time; unknown logins cost the same."""
    if not attempt.password_hash:
        # Spend the same effort as a real check, so timing does not reveal unknown logins.
        _DUMMY.set_password(password)
        return False
    return check_password_hash(attempt.password_hash, password)


def complete_sign_in(attempt: SignInAttempt, ok: bool) -> User:
    """Finish a reserved try whose password was checked: the person, or a plain refusal.

    A right password takes its try back on every key and clears the limit of this address
    for this person (its delays included); the address's and the person's counts of the
    other failures stay."""
    user = db.session.get(User, attempt.user_id) if attempt.user_id is not None else None
    if not ok or user is None:
        raise EventsysError(_("The login name or password is not right. Please try again."))
    if not user.active:
        # Said only to someone who knows the password: it tells nothing to a guesser.
        raise EventsysError(
            _("This account is switched off. Please call the centre, we will help you.")
        )
    for row in _locked_rows(list(attempt.keys)):
        # Any wait on these keys was set by this very try (a key already waiting refuses it).
        row.blocked_until = None
        row.failures = 0 if row.key.startswith("pair:") else max(0, row.failures - 1)
    db.session.flush()
    return user


def authenticate(login: str, password: str, *, now: datetime, address: str | None = None) -> User:
    """Return the user with these credentials, or refuse without saying which part was wrong.

    Tries are limited per key, every key counted in the database so that all workers agree:
    - the address and the person together (LOGIN_MAX_FAILURES, 5): the guesser is slowed,
      with a delay that doubles with every further failure (1, 2, 4 ... up to 60 minutes);
    - the address (LOGIN_ADDRESS_MAX_FAILURES): one address trying many people;
    - the person, from every address (LOGIN_ACCOUNT_MAX_FAILURES): a distributed attack.
    So the owner, signing in from an address that has not failed, still gets in after someone
    else's five wrong passwords; only the last limit stops the owner too, and the help desk
    can lift it (unlock_sign_in) or give a reset code. The person is whom the typed text
    resolves to (login_identity), never the text itself; unknown logins count under their
    normalised form. The view commits between the two halves (reserve_sign_in,
    complete_sign_in) so that no lock is held while the password is hashed."""
    attempt = reserve_sign_in(login, address=address, now=now)
    return complete_sign_in(attempt, check_attempt_password(attempt, password))


def _user_keys(user: User) -> tuple[str, str]:
    account = _account_key("", user)
    return f"account:{account}", f"pair:{account}@"


def sign_in_paused_until(user: User, *, now: datetime) -> datetime | None:
    """Until when sign-in to *user* is paused for some address (the latest), or None."""
    account_key, pair_prefix = _user_keys(user)
    latest = db.session.scalar(
        select(func.max(LoginThrottle.blocked_until)).where(
            or_(LoginThrottle.key == account_key, LoginThrottle.key.startswith(pair_prefix)),
            LoginThrottle.blocked_until > now,
        )
    )
    return latest


def unlock_sign_in(user: User, *, actor: User, now: datetime) -> None:
    """Lift every sign-in limit on *user* (the help desk, once the person is known), audited."""
    account_key, pair_prefix = _user_keys(user)
    until = sign_in_paused_until(user, now=now)
    db.session.execute(
        delete(LoginThrottle).where(
            or_(LoginThrottle.key == account_key, LoginThrottle.key.startswith(pair_prefix))
        )
    )
    audit.record(
        actor,
        "user.unlock",
        "user",
        user.id,
        before={"paused_until": until.isoformat() if until else None},
        after={"paused_until": None},
    )
    db.session.flush()


def change_password(user: User, current: str, new: str, *, now: datetime | None = None) -> None:
    """Change the password and sign the user out on every other device."""
    if not user.check_password(current):
        raise EventsysError(_("The current password is not right."), field="current_password")
    user.set_password(new)
    user.session_version += 1
    _revoke(user, now or utcnow(), keep=user.login_session_id)
    audit.record(user, "user.password", "user", user.id)
    db.session.flush()


def sign_out_everywhere(user: User, *, now: datetime | None = None) -> None:
    """End every session of *user*, on every device, remember-me cookies included.

    Every cookie names one of the user's LoginSession rows (User.get_id); all of them are
    revoked. session_version is bumped as well, as the audited count of such events."""
    _revoke(user, now or utcnow())
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
    if "organizer" not in roles:
        check_not_last_organizer(user, field="roles")
    before = {"roles": list(user.roles)}
    user.is_organizer = "organizer" in roles
    user.is_judge = "judge" in roles
    user.is_participant = "participant" in roles
    audit.record(actor, "user.roles", "user", user.id, before=before, after={"roles": list(roles)})
    db.session.flush()


def check_not_last_organizer(user: User, *, field: str = "active") -> None:
    """Refuse to take away the last active organizer (nobody could manage the centre then)."""
    if not (user.is_organizer and user.active):
        return
    others = db.session.scalar(
        select(func.count()).where(
            User.is_organizer.is_(True), User.active.is_(True), User.id != user.id
        )
    )
    if not others:
        raise EventsysError(
            _("This is the last organizer: make someone else an organizer first."), field=field
        )


# ---- signed-in devices --------------------------------------------------------------------------


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(user: User, *, device: str, now: datetime) -> LoginSession:
    """Record that *user* signs in on a device, and make user.get_id() name that record."""
    key = secrets.token_urlsafe(24)
    record = LoginSession(
        user_id=user.id,
        key_digest=_digest(key),
        created_at=now,
        last_seen_at=now,
        device=device[:80],
    )
    db.session.add(record)
    db.session.flush()
    user.attach_login_session(record.id, key)
    return record


def sign_out(user: User, *, now: datetime) -> None:
    """End the session of the device *user* was loaded through, its remember-me cookie too."""
    if user.login_session_id is not None:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.id == user.login_session_id, LoginSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )


def sign_out_device(user: User, device_id: int, *, now: datetime) -> LoginSession:
    """Sign *user* out on another of their devices (a lost phone); never someone else's."""
    record = db.session.get(LoginSession, device_id)
    if record is None or record.user_id != user.id or record.revoked_at is not None:
        raise NotFound(_("This device is not signed in any more."))
    record.revoked_at = now
    db.session.flush()
    return record


def _revoke(user: User, now: datetime, *, keep: int | None = None) -> None:
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(LoginSession.id != keep)
    db.session.execute(query.values(revoked_at=now))


def load_user_by_session_id(session_id: str, *, now: datetime | None = None) -> User | None:
    """Return the user a session or remember-me cookie names, if that device is still signed in.

    This runs on every signed-in request: one query, the user joined to the device's record.
    The key is compared in constant time; a revoked record, a deactivated person or a device
    unused for longer than a remember-me cookie lasts loads nobody."""
    record_text, _sep, key = session_id.partition(":")
    if not (record_text.isascii() and record_text.isdecimal()) or not 0 < len(key) <= 64:
        return None
    record_id = int(record_text)
    if record_id > 2**31 - 1:
        return None
    # The unread count every page's header shows comes along in the same statement.
    unread = (
        select(func.count(Notice.id))
        .where(Notice.user_id == User.id, Notice.seen_at.is_(None))
        .correlate(User)
        .scalar_subquery()
    )
    row = db.session.execute(
        select(User, LoginSession, unread)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(LoginSession.id == record_id)
    ).first()
    if row is None:
        return None
    user, record, unread_count = row
    user.attach_unread_notices(int(unread_count or 0))
    if not hmac.compare_digest(record.key_digest, _digest(key)):
        return None
    now = now or utcnow()
    idle = current_app.config["REMEMBER_COOKIE_DURATION"]
    if record.revoked_at is not None or not user.active or record.last_seen_at < now - idle:
        return None
    user.attach_login_session(record.id, key)
    if now - record.last_seen_at >= TOUCH_EVERY:
        _touch(record, now)
    return user


def _touch(record: LoginSession, now: datetime) -> None:
    """Note that the device was seen, without making a request commit what it did not mean to.

    The one write outside the request's transaction, and the one write a read may make: a
    device not seen for REMEMBER_COOKIE_DURATION is signed out, so someone who only reads
    pages must still be seen, and a read never commits (web.actions.perform is for writes).
    At most once per TOUCH_EVERY per device, one UPDATE of that device's row."""
    if write_intent.get():
        # Saved with the request's own commit, if it makes one; lost with its rollback.
        record.last_seen_at = now
        return
    # A read never commits: note it in a short transaction of its own. (On SQLite a read holds
    # no write lock, and WAL lets this one writer through beside the readers.)
    token = write_intent.set(True)
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(LoginSession).where(LoginSession.id == record.id).values(last_seen_at=now)
            )
    finally:
        write_intent.reset(token)


def signed_in_devices(user: User) -> list[LoginSession]:
    """The devices *user* is signed in on, most recently used first."""
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


_BROWSERS = (
    ("MicroMessenger", "WeChat"),
    ("EdgA/", "Edge"),
    ("Edg/", "Edge"),
    ("HuaweiBrowser", "Huawei Browser"),
    ("MiuiBrowser", "Xiaomi Browser"),
    ("UCBrowser", "UC Browser"),
    ("QQBrowser", "QQ Browser"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("HarmonyOS", "HarmonyOS"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str | None) -> str:
    """Name a browser from its User-Agent, plainly: "Chrome, Android". Empty if unknown."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), "")
    system = next((name for mark, name in _SYSTEMS if mark in text), "")
    return ", ".join(part for part in (browser, system) if part)


def find_by_login_or_phone(key: str) -> User | None:
    """Find a member by login name (any case) or phone number, however it was typed."""
    key, phone = login_identity(key)
    if not key:
        return None
    condition = func.lower(User.login) == key
    if phone:
        condition = condition | (User.phone == phone)
    return db.session.scalars(select(User).where(condition)).first()
