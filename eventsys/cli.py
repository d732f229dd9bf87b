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
