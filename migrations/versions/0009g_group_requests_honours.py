"""Interest groups and honours (issue 18 items 4 and 7): join requests (group_join_request,
one pending per member and group), the honours board (honour), the group an event belongs to
(event.group_id) and the group a notice is about (notice.group_id).

Revision ID: 0009g
Revises: 0009a
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009g'
down_revision = '0009a'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('group_join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'refused')", name=op.f('ck_group_join_request_status_known')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_group_join_request_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['interest_group.id'], name=op.f('fk_group_join_request_group_id_interest_group'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_group_join_request_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_join_request'))
    )
    with op.batch_alter_table('group_join_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_join_request_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_join_request_user_id'), ['user_id'], unique=False)
        batch_op.create_index(
            'uq_group_join_request_pending', ['group_id', 'user_id'], unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        )

    op.create_table('honour',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('winner', sa.String(length=200), nullable=False),
    sa.Column('competition', sa.String(length=200), nullable=False),
    sa.Column('organiser', sa.String(length=200), nullable=False),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('award', sa.String(length=60), nullable=False),
    sa.Column('photo', sa.String(length=64), nullable=True),
    sa.Column('photo_type', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("winner <> '' OR group_id IS NOT NULL", name=op.f('ck_honour_names_winner')),
    sa.ForeignKeyConstraint(['group_id'], ['interest_group.id'], name=op.f('fk_honour_group_id_interest_group'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_honour'))
    )
    with op.batch_alter_table('honour', schema=None) as batch_op:
        batch_op.create_index('ix_honour_awarded_on', ['awarded_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_honour_group_id'), ['group_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_group_id_interest_group'), 'interest_group', ['group_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notice_group_id_interest_group'), 'interest_group', ['group_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notice_group_id_interest_group'), type_='foreignkey')
        batch_op.drop_column('group_id')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_group_id_interest_group'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_group_id'))
        batch_op.drop_column('group_id')

    with op.batch_alter_table('honour', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_honour_group_id'))
        batch_op.drop_index('ix_honour_awarded_on')
    op.drop_table('honour')

    with op.batch_alter_table('group_join_request', schema=None) as batch_op:
        batch_op.drop_index('uq_group_join_request_pending')
        batch_op.drop_index(batch_op.f('ix_group_join_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_group_join_request_group_id'))
    op.drop_table('group_join_request')
