"""Backups and restores of the whole database.

SQLite: the online backup API (a consistent copy while the application runs) to a single file in
rollback-journal mode; a restore checks the file first (it opens, passes `PRAGMA quick_check` and
has the `alembic_version` table) and copies it back through the same API, so that the live file,
its write-ahead log and other connections stay consistent.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner` in a single
transaction (a failed restore changes nothing). The password, if the URL has one, is passed in
PGPASSWORD, never on the command line."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def backend(url: str) -> str:
    """Return "sqlite" or "postgresql" for a database URL."""
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are not supported for {name} databases.")
    return name


def backup(url: str, path: str | os.PathLike[str]) -> str:
    """Write a backup of the database at *url* to *path*; return a one-line description."""
    target = Path(path)
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory.")
    if backend(url) == "sqlite":
        return _sqlite_backup(_sqlite_file(url), target)
    return _pg_backup(make_url(url), target)


def check(url: str, path: str | os.PathLike[str]) -> str:
    """Refuse (BackupError) unless *path* is an eventsys backup for this kind of database;
    return its schema revision."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source} does not exist or is not a file.")
    if backend(url) == "sqlite":
        return _sqlite_check(source)
    return _pg_check(source)


def restore(url: str, path: str | os.PathLike[str]) -> str:
    """Replace the database at *url* by the backup at *path*; return its schema revision.

    Stop the application first on PostgreSQL: `pg_restore --clean` waits for every other
    connection's locks."""
    revision = check(url, path)
    if backend(url) == "sqlite":
        _sqlite_restore(Path(path), _sqlite_file(url))
    else:
        _pg_restore(make_url(url), Path(path))
    return revision


# SQLite -------------------------------------------------------------------------------------


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("Only a SQLite database file can be backed up.")
    return Path(database)


def _sqlite_backup(database: Path, target: Path) -> str:
    if not database.is_file():
        raise BackupError(f"The database {database} does not exist.")
    if target.exists() and target.resolve() == database.resolve():
        raise BackupError("The backup cannot be written over the database itself.")
    handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(handle)
    try:
        source = sqlite3.connect(database, timeout=30)
        copy = sqlite3.connect(temporary)
        try:
            source.backup(copy)
            # One self-contained file, whatever the live database's journal mode.
            copy.execute("PRAGMA journal_mode = DELETE")
        finally:
            copy.close()
            source.close()
        revision = _sqlite_check(Path(temporary))
        os.replace(temporary, target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite backup failed: {error}") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return revision


def _sqlite_check(source: Path) -> str:
    refusal = f"{source} is not an eventsys SQLite backup"
    with open(source, "rb") as file:
        if file.read(16) != b"SQLite format 3\x00":
            raise BackupError(f"{refusal}: not a SQLite database.")
    try:
        connection = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        try:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise BackupError(f"{refusal}: it is damaged ({problems[0]}).")
            rows = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            connection.close()
    except sqlite3.Error as error:
        raise BackupError(f"{refusal}: {error}.") from error
    if len(rows) != 1:
        raise BackupError(f"{refusal}: it has no schema revision.")
    return str(rows[0][0])


def _sqlite_restore(source: Path, database: Path) -> None:
    try:
        backup_file = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
        live = sqlite3.connect(database, timeout=30)
        try:
            backup_file.backup(live)
        finally:
            live.close()
            backup_file.close()
    except sqlite3.Error as error:
        raise BackupError(f"SQLite restore failed: {error}") from error


# PostgreSQL ---------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client tools "
            "(Debian: apt install postgresql-client) in a version at least the server's."
        )
    return found


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URI (no password, no driver) and the environment to run with."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> str:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip() or f"exit status {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")
    return result.stdout


def _pg_backup(url: URL, target: Path) -> str:
    pg_dump = _tool("pg_dump")
    dsn, env = _libpq(url)
    handle, temporary = tempfile.mkstemp(prefix=".backup-", dir=target.parent)
    os.close(handle)
    try:
        _run([pg_dump, "--format=custom", f"--file={temporary}", f"--dbname={dsn}"], env, "pg_dump")
        revision = _pg_check(Path(temporary))
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return revision


def _pg_check(source: Path) -> str:
    pg_restore = _tool("pg_restore")
    with open(source, "rb") as file:
        if file.read(5) != b"PGDMP":
            raise BackupError(f"{source} is not a pg_dump archive (custom format).")
    try:
        listing = _run([pg_restore, "--list", str(source)], dict(os.environ), "pg_restore --list")
    except BackupError as error:
        raise BackupError(f"{source} is not a readable pg_dump archive: {error}") from error
    if not any(
        "TABLE DATA" in line and "alembic_version" in line.split() for line in listing.splitlines()
    ):
        raise BackupError(f"{source} is not an eventsys backup: it has no alembic_version table.")
    script = _run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(source)],
        dict(os.environ),
        "pg_restore",
    )
    lines = script.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("COPY ")]
    rows = lines[starts[0] + 1 : lines.index("\\.", starts[0])] if starts else []
    if len(rows) != 1:
        raise BackupError(f"{source} is not an eventsys backup: it has no schema revision.")
    return rows[0].strip()


def _pg_restore(url: URL, source: Path) -> None:
    pg_restore = _tool("pg_restore")
    dsn, env = _libpq(url)
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={dsn}",
            str(source),
        ],
        env,
        "pg_restore",
    )
