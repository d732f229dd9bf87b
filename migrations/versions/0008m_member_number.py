"""The member number of the bureau's list (会员编号) on user_account: imports match on it.

Revision ID: 0008m
Revises: 0008v
Create Date: 2026-12-03 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008m'
down_revision = '0008v'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_number', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_user_account_member_number'), ['member_number']
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_member_number'), type_='unique')
        batch_op.drop_column('member_number')
