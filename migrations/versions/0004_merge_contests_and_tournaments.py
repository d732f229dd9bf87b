"""Join the two branches (judged contests, tournaments) that were written side by side.

No schema change: from here on `flask db upgrade` has a single head again.

Revision ID: 0004
Revises: 0003c, 0003t
Create Date: 2026-11-28 17:52:43.633723

"""
# revision identifiers, used by Alembic.
revision = '0004'
down_revision = ('0003c', '0003t')
branch_labels = None
depends_on = None


def upgrade():
    """Nothing to do: both branches are applied before this point."""


def downgrade():
    """Nothing to undo."""
