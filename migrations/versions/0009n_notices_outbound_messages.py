"""Notices name what they are about (notice.params); text messages on their way out
(outbound_message, sent by `flask --app wsgi send-messages`); a member's SMS opt-out.

Revision ID: 0009n
Revises: 0009g
Create Date: 2026-12-04 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009n'
down_revision = '0009g'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('params', sa.JSON(none_as_null=True), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('sms_opt_out', sa.Boolean(), nullable=False, server_default=sa.false())
        )

    # One text message of one notice: what goes where, its tries, and when it went.
    op.create_table(
        'outbound_message',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column(
            'notice_id',
            sa.Integer(),
            sa.ForeignKey(
                'notice.id', name=op.f('fk_outbound_message_notice_id_notice'), ondelete='CASCADE'
            ),
            nullable=False,
        ),
        sa.Column('channel', sa.String(length=8), nullable=False),  # CHANNELS: sms
        sa.Column('to', sa.String(length=20), nullable=False),  # the member's phone
        sa.Column('text', sa.Text(), nullable=False),  # in the member's language
        sa.Column('status', sa.String(length=8), nullable=False),  # queued, sent, failed
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(), nullable=False),  # domain.backoff
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('sent_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("channel IN ('sms')", name=op.f('ck_outbound_message_channel_known')),
        sa.CheckConstraint(
            "status IN ('queued', 'sent', 'failed')", name=op.f('ck_outbound_message_status_known')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbound_message')),
    )
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbound_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_message_notice_id'), ['notice_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_message_notice_id'))
        batch_op.drop_index('ix_outbound_message_due')
    op.drop_table('outbound_message')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('sms_opt_out')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_column('params')
