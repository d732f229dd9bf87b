"""Table generations: one random number per table, renewed by every transaction that writes it.

Cached pages remember the numbers of the tables they read (eventsys.generations). A table with
no row has never been written through the app since this revision: pages that read it are
still kept, under "no number", until its first write gives it one.

Revision ID: 0006g
Revises: 0005s
Create Date: 2026-11-28 19:58:43.387050

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006g'
down_revision = '0005s'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('table_generation',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_table_generation'))
    )


def downgrade():
    op.drop_table('table_generation')
