"""Aggregate versions: one counter per contest, tournament, event, room week, programme and
person's feed, raised in the transaction that changes it (eventsys.versions).

Revision ID: 0008v
Revises: 0007d
Create Date: 2026-12-03 16:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008v'
down_revision = '0007d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('aggregate_version',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_aggregate_version'))
    )


def downgrade():
    op.drop_table('aggregate_version')
