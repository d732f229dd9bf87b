"""eventsys: events and competitions of a retirees' activity centre."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build an eventsys application; tests pass their overrides in."""
    # Imported here so that the pure eventsys.domain package can be used without Flask.
    from flask import Flask

    from eventsys.config import Defaults, load_or_create_secret

    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("EVENTSYS")
    if test_config is not None:
        app.config.update(test_config)
    configure_database_url(app)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_or_create_secret(app.instance_path)

    from eventsys.cli import register_commands
    from eventsys.web import init_web, register_blueprints

    init_extensions(app)
    init_web(app)
    register_blueprints(app)
    wrap_wsgi(app)
    register_commands(app)
    return app


def wrap_wsgi(app: Flask) -> None:
    """Put the read lane (eventsys.web.lanes) and the trusted proxies' headers in front of
    Flask."""
    slots = int(app.config.get("READ_LANE", 0))
    if slots > 0:
        from eventsys.web.lanes import ReadLane

        app.wsgi_app = ReadLane(app.wsgi_app, slots)  # type: ignore[method-assign]
    proxies = int(app.config.get("PROXY_COUNT", 0))
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )


def configure_database_url(app: Flask) -> None:
    """Use EVENTSYS_DATABASE_URL when given, else the SQLite file in instance/."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        from pathlib import Path

        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'eventsys.sqlite3'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url


def init_extensions(app: Flask) -> None:
    """Bind the extensions to *app*."""
    from eventsys import models  # noqa: F401  (register the tables)
    from eventsys.database import configure_engine_events
    from eventsys.extensions import babel, csrf, db, login_manager, migrate
    from eventsys.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    with app.app_context():
        configure_engine_events(db.engine)
    from flask_sqlalchemy.session import Session

    from eventsys import versions
    from eventsys.web import caching

    versions.install(Session)
    caching.init_app(app)
