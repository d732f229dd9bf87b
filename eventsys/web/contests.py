"""The contests pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("contests", __name__)
