"""Signed-in devices (login_session) and refused sign-ups per client address (signup_refusal).

A session or remember-me cookie now names a login_session row (its id and a random key whose
SHA-256 digest is stored), so signing out on one device ends that device's cookies on the
server. Cookies written before this revision named the user and session_version instead: they
no longer load anybody, so everyone signs in once more after the upgrade.

signup_refusal counts sign-ups refused because the login name or phone number was taken, per
client address, so that probing for names is limited across workers.

Revision ID: 0005s
Revises: 0004
Create Date: 2026-12-01 10:12:31.204118

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005s'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('device', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_login_session_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session'))
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    op.create_table('signup_refusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signup_refusal'))
    )
    with op.batch_alter_table('signup_refusal', schema=None) as batch_op:
        batch_op.create_index('ix_signup_refusal_address_at', ['address', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('signup_refusal', schema=None) as batch_op:
        batch_op.drop_index('ix_signup_refusal_address_at')

    op.drop_table('signup_refusal')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
