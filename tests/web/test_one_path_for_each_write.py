"""The layout rules of issue #16 that a grep can hold: views never build SQL and never commit
except through web/actions.perform; services flush, never commit a transaction."""

from __future__ import annotations

import ast
from pathlib import Path

import eventsys

ROOT = Path(eventsys.__file__).parent


def _calls(package: str, name: str) -> list[str]:
    """Every call of a function or method called *name* in the package's modules."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    target = ast.unparse(func)
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {target}")
    return found


def test_no_view_builds_sql() -> None:
    assert _calls("web", "select") == []


def test_the_one_commit_under_web_is_in_perform() -> None:
    assert _calls("web", "commit") == [
        f"{Path('web/actions.py')}:{_line_of('web/actions.py', 'db.session.commit()')} "
        "db.session.commit"
    ]


def test_no_service_commits_a_transaction() -> None:
    # A savepoint's commit() only releases the savepoint inside the caller's transaction.
    assert [call for call in _calls("services", "commit") if "savepoint" not in call] == []


def _line_of(relative: str, text: str) -> int:
    lines = (ROOT / relative).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)
