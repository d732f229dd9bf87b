"""Command-line tasks: the first organizer and the demo world."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import func, select

from eventsys.errors import EventsysError
from eventsys.extensions import db


def register_commands(app: Flask) -> None:
    """Add eventsys's commands to the `flask` command."""

    @app.cli.command("create-organizer")
    @click.option("--login", required=True, help="Login name (or phone number).")
    @click.option("--name", required=True, help="Full name.")
    @click.password_option(help="Password (at least 8 characters).")
    def create_organizer(login: str, name: str, password: str) -> None:
        """Create an organizer account (the first one, or any other)."""
        from eventsys.services import accounts

        if len(password) < 8:
            raise click.BadParameter("at least 8 characters", param_hint="--password")
        try:
            user = accounts.create_user(
                accounts.NewUser(
                    name=name, login=login, password=password, roles=("organizer", "participant")
                ),
                actor=None,
            )
        except EventsysError as refusal:
            raise click.ClickException(str(refusal)) from refusal
        db.session.commit()
        click.echo(f"Organizer {user.login} created.")

    @app.cli.command("demo")
    def demo() -> None:
        """Fill an empty database with the demo world and print the demo accounts."""
        from eventsys.demo import DEMO_LOGINS, build_demo_world
        from eventsys.models import User

        existing = db.session.scalar(select(func.count()).where(User.login.in_(DEMO_LOGINS)))
        passwords = build_demo_world(app.instance_path) if not existing else None
        db.session.commit()
        from eventsys.demo import read_demo_passwords

        passwords = passwords or read_demo_passwords(app.instance_path)
        click.echo("Demo accounts (login / password):")
        for login, password in passwords.items():
            click.echo(f"  {login:12} {password}")

    @app.cli.command("send-messages")
    @click.option("--once", is_flag=True, help="Send what is due now, then stop.")
    def send_messages(once: bool) -> None:
        """Send the queued text messages (SMS) through EVENTSYS_SMS_URL, with retries."""
        import time

        if not app.config.get("SMS_URL"):
            raise click.ClickException(
                "EVENTSYS_SMS_URL is not set: notices stay in the app and nothing is queued."
            )
        while True:
            counts = send_due_messages(app)
            if once or any(counts.values()):
                click.echo("sent {sent}, to try again {queued}, given up {failed}".format(**counts))
            if once:
                return
            time.sleep(float(app.config["SMS_POLL_SECONDS"]))

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, writable=True))
    def backup_command(path: str) -> None:
        """Write a consistent backup of the database to PATH (safe while the app runs)."""
        from eventsys import backup

        try:
            revision = backup.backup(db.engine.url.render_as_string(hide_password=False), path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {path} (schema revision {revision}).")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--yes", is_flag=True, help="Overwrite the database without asking.")
    def restore_command(path: str, yes: bool) -> None:
        """Replace the whole database by the backup at PATH (stop the app first)."""
        from eventsys import backup

        url = db.engine.url.render_as_string(hide_password=False)
        try:
            revision = backup.check(url, path)
        except backup.BackupError as error:
            raise click.ClickException(f"Refused: {error} Nothing was changed.") from error
        if not yes:
            click.confirm(
                f"Every row of {db.engine.url.render_as_string()} will be replaced by {path} "
                f"(schema revision {revision}). Continue?",
                abort=True,
            )
        db.session.remove()
        db.engine.dispose()
        try:
            backup.restore(url, path)
        except backup.BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Database restored from {path} (schema revision {revision}).")


def send_due_messages(app: Flask) -> dict[str, int]:
    """Send every message due now, each in its own unit of work (claim, send, mark, commit:
    eventsys.services.outbound explains why a message is never sent twice); return how many
    were sent, left for a later try, or given up. Run inside *app*'s context."""
    from eventsys.database import write_intent
    from eventsys.services import outbound
    from eventsys.timeutil import utcnow

    postgresql = db.engine.dialect.name == "postgresql"
    started = utcnow()
    handled: set[int] = set()
    counts = {"sent": 0, "queued": 0, "failed": 0}
    while True:
        # SQLite: read the due row without the write lock and end that read before sending,
        # so that no page waits for the gateway (one worker only on SQLite).
        token = None if postgresql else write_intent.set(False)
        try:
            due = outbound.claim(started, skip=handled)
        finally:
            if token is not None:
                db.session.rollback()
                write_intent.reset(token)
        if due is None:
            db.session.rollback()
            return counts
        handled.add(due.id)
        try:
            error = outbound.deliver(due, app.config)
            status = outbound.record(due, error, now=utcnow(), config=app.config)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        counts[status] += 1
