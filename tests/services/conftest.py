"""Fixtures the service tests share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from eventsys.extensions import db
from eventsys.models import User
from tests.services.test_contests import World, build_world


@pytest.fixture
def world(
    ctx: Flask, make_event: Callable[..., int], make_user: Callable[..., int]
) -> Callable[..., World]:
    """A contest world (see build_world) made to order: world(**options)."""

    def make(**kwargs: Any) -> World:
        return build_world(ctx, make_event, make_user, **kwargs)

    return make


@pytest.fixture
def organizer(ctx: Flask, make_user: Callable[..., int]) -> User:
    """An organiser, loaded in the test's app context."""
    return db.session.get(User, make_user(roles=("organizer",)))


@pytest.fixture
def venue(make_venue: Callable[..., int]) -> int:
    """A room of forty seats: its id."""
    return make_venue()
