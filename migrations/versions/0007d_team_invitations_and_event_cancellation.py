"""Team invitations (a named team-mate must accept before joining a roster) and the date and
reason of an event's cancellation.

Revision ID: 0007d
Revises: 0007c
Create Date: 2026-12-03 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007d'
down_revision = '0007c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('team_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("role IN ('captain', 'player', 'substitute', 'performer')", name=op.f('ck_team_invitation_role_known')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_team_invitation_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_team_invitation_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_team_invitation_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_invitation')),
    sa.UniqueConstraint('registration_id', 'user_id', name='uq_team_invitation_registration_user')
    )
    with op.batch_alter_table('team_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_invitation_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index('ix_team_invitation_user_event', ['user_id', 'event_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_at')

    with op.batch_alter_table('team_invitation', schema=None) as batch_op:
        batch_op.drop_index('ix_team_invitation_user_event')
        batch_op.drop_index(batch_op.f('ix_team_invitation_registration_id'))

    op.drop_table('team_invitation')
