"""Why a sitting is skipped; walk-in guests without an account at the door.

A skipped occurrence may say why (shown in the programme). An attendance row is either a
member (user_id) or a guest given by name and phone (guest_name, guest_phone), never both.

Revision ID: 0007e
Revises: 0007a
Create Date: 2026-12-03 13:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007e'
down_revision = '0007a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('skip_reason', sa.String(length=200), nullable=True))
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('guest_name', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('guest_phone', sa.String(length=20), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f('ck_attendance_member_or_guest'), '(user_id IS NULL) <> (guest_name IS NULL)'
        )


def downgrade():
    # Guests have no account to keep them by: their rows go with the columns.
    op.execute("DELETE FROM attendance WHERE user_id IS NULL")
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_attendance_member_or_guest'), type_='check')
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('guest_phone')
        batch_op.drop_column('guest_name')
    with op.batch_alter_table('occurrence', schema=None) as batch_op:
        batch_op.drop_column('skip_reason')
