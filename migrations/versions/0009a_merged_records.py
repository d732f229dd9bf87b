"""A member's record merged into another record of the same person (user_account.merged_into_id):
the desk's merge of duplicates keeps the merged-away record, disabled, pointing at the kept one.

Revision ID: 0009a
Revises: 0008t
Create Date: 2026-12-04 19:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009a'
down_revision = '0008t'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_user_account_merged_into_id_user_account'),
            'user_account',
            ['merged_into_id'],
            ['id'],
            ondelete='SET NULL',
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_user_account_merged_into_id_user_account'), type_='foreignkey'
        )
        batch_op.drop_column('merged_into_id')
