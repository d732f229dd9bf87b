"""Contests: show the running results on the hall's screen, or only the sheets in, until published.

Existing blind contests are hidden (the ranking could be watched while judges marked); the
others keep showing their running order, as before.

Revision ID: 0007c
Revises: 0007e
Create Date: 2026-12-03 14:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0007c'
down_revision = '0007e'
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN (SQLite can): a batch copy of the table would lose its CHECKs.
    op.add_column(
        'contest',
        sa.Column('show_running_results', sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    contest = sa.table('contest', sa.column('blind', sa.Boolean()),
                       sa.column('show_running_results', sa.Boolean()))
    op.execute(
        contest.update().where(contest.c.blind.is_(True)).values(show_running_results=False)
    )


def downgrade():
    # SQLite 3.35+ drops a column in place, keeping the table's constraints.
    op.drop_column('contest', 'show_running_results')
