"""The tournaments pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("tournaments", __name__)
