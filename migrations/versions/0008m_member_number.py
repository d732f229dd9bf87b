"""The member number of the bureau's list (会员编号) on user_account: imports match on it;
uploaded import files kept between preview and confirmation (import_upload).

Revision ID: 0008m
Revises: 0008c
Create Date: 2026-12-03 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008m'
down_revision = '0008c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_upload',
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('create_units', sa.Boolean(), nullable=False),
    sa.Column('allow_same_name', sa.Boolean(), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_import_upload_uploaded_by_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_import_upload'))
    )
    with op.batch_alter_table('import_upload', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_upload_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_upload_uploaded_by_id'), ['uploaded_by_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('member_number', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_user_account_member_number'), ['member_number']
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_member_number'), type_='unique')
        batch_op.drop_column('member_number')
    with op.batch_alter_table('import_upload', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_upload_uploaded_by_id'))
        batch_op.drop_index(batch_op.f('ix_import_upload_created_at'))
    op.drop_table('import_upload')
