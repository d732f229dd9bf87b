"""No GET writes: every GET route of the authorization matrix, for every role, runs no INSERT,
UPDATE or DELETE (a page that wrote while it was read would fail under load on SQLite, where a
read holds no write lock, and would change data a crawler or a prefetch only looked at)."""

from __future__ import annotations

import re

from flask import Flask

from tests.querycount import clear_caches, count_queries
from tests.web.test_authorization_matrix import ROLES, Seeded, _clients, _rules, _url, seeded

__all__ = ["seeded"]  # the fixture, shared with the authorization matrix

WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE)\b", re.IGNORECASE)


def test_no_get_route_writes_for_any_role(app: Flask, seeded: Seeded) -> None:
    clients = _clients(app, seeded)
    writers: list[str] = []
    for rule in sorted(_rules(app), key=lambda r: r.rule):
        if "GET" not in rule.methods:
            continue
        url = _url(rule, seeded.ids)
        for role in ROLES:
            clear_caches(app)
            with count_queries(app) as statements:
                status = clients[role].get(url).status_code
            written = [s for s in statements if WRITES.match(s)]
            if written:
                writers.append(f"GET {url} as {role} ({status}): {written}")
    assert writers == [], "\n".join(writers)


def test_the_write_counter_sees_a_write(app: Flask, seeded: Seeded) -> None:
    """The check above can fail: a POST that changes something is seen writing."""
    clients = _clients(app, seeded)
    client = clients["owner"]
    from tests.conftest import csrf

    token = csrf(client, "/")
    with count_queries(app) as statements:
        client.post("/language", data={"csrf_token": token, "lang": "en", "next": "/"})
    assert any(WRITES.match(s) for s in statements), statements.listing()
