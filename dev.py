#!/usr/bin/env python3
"""Set up and run eventsys with nothing but Python 3.11 installed.

    python3 dev.py run     create .venv, install, migrate, compile translations, load the demo
                           world and serve it on http://127.0.0.1:5000
    python3 dev.py test    the same set-up, then the whole test suite (SQLite and PostgreSQL)
    python3 dev.py messages  extract every string (Python and templates, _macros/ included)
                           and merge the new ones into the Chinese catalogue to translate

Both are idempotent: a second run reuses the virtual environment and the database."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".eventsys-installed"


# Babel's walk skips folders starting with "_" unless told otherwise: templates/_macros/ holds
# the error banner of every form. The test of the catalogue extracts with these same arguments.
EXTRACT_ARGS = (
    "-F",
    "babel.cfg",
    "--ignore-dirs",
    ".* __pycache__ node_modules",
    "-k",
    "_l",
    "-k",
    "lazy_gettext",
    "-k",
    "lazy_pgettext:1c,2",
    "--no-location",
    "--sort-output",
)


def say(message: str) -> None:
    print(f"[dev] {message}", flush=True)


def run(*args: str | Path, **kwargs: object) -> None:
    subprocess.run([str(a) for a in args], cwd=ROOT, check=True, **kwargs)  # type: ignore[call-overload]


def ensure_environment() -> None:
    """Create the virtual environment and install the pinned dependencies when they changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be started by an older python3
        sys.exit("eventsys needs Python 3.11 or newer")
    if not PYTHON.exists():
        say("creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes()
    ).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        say("installing dependencies (pinned in constraints.txt)")
        run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        run(PYTHON, "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[dev]")
        STAMP.write_text(wanted)
    say("compiling translations")
    run(
        PYTHON,
        "-m",
        "babel.messages.frontend",
        "compile",
        "-d",
        "eventsys/translations",
        stdout=subprocess.DEVNULL,
    )


def flask(*args: str) -> None:
    run(PYTHON, "-m", "flask", "--app", "wsgi", *args)


def cmd_run(argv: list[str]) -> None:
    ensure_environment()
    say("bringing the database to the latest migration")
    flask("db", "upgrade")
    flask("demo")
    host = os.environ.get("EVENTSYS_HOST", "127.0.0.1")
    port = os.environ.get("EVENTSYS_PORT", "5000")
    # The demo is plain http on this machine: cookies marked Secure would never come back.
    # Production (HTTPS behind a TLS proxy) keeps the Secure default of eventsys/config.py.
    os.environ.setdefault("EVENTSYS_SESSION_COOKIE_SECURE", "false")
    os.environ.setdefault("EVENTSYS_REMEMBER_COOKIE_SECURE", "false")
    say(f"serving on http://{host}:{port}/  (Ctrl+C stops)")
    os.execv(
        str(PYTHON),
        [str(PYTHON), "-m", "flask", "--app", "wsgi", "run", "--host", host, "--port", port, *argv],
    )


def cmd_test(argv: list[str]) -> None:
    ensure_environment()
    os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *argv])


def cmd_messages(argv: list[str]) -> None:
    ensure_environment()
    pot = ROOT / "instance" / "messages.pot"
    run(PYTHON, "-m", "babel.messages.frontend", "extract", *EXTRACT_ARGS, "-o", pot, ".")
    run(
        PYTHON,
        "-m",
        "babel.messages.frontend",
        "update",
        "-i",
        pot,
        "-d",
        "eventsys/translations",
        "-l",
        "zh",
        "--no-fuzzy-matching",
        "--ignore-obsolete",
        *argv,
    )
    pot.unlink()
    say("new strings have an empty msgstr in eventsys/translations/zh/LC_MESSAGES/messages.po")


def main() -> None:
    commands = {"run": cmd_run, "test": cmd_test, "messages": cmd_messages}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    os.chdir(ROOT)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
