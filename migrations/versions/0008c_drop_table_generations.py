"""Drop the table generations: pages are kept under the aggregates' versions now
(eventsys.web.caching, eventsys.versions), not under a number per table.

Revision ID: 0008c
Revises: 0008r
Create Date: 2026-12-03 17:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008c'
down_revision = '0008r'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('table_generation')


def downgrade():
    op.create_table('table_generation',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_table_generation'))
    )
