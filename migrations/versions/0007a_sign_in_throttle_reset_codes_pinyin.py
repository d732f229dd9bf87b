"""Sign-in limits per address and account (login_throttle), desk reset codes, unbounded pinyin.

login_failure counted failures per typed text, so every spelling of a phone number started
afresh; login_throttle keeps one locked row per key (address + account, address, account)
instead. Failures recorded under the old scheme are dropped with the table: they were kept for
15 minutes only.

password_reset_code holds the help desk's one-time codes (their SHA-256 digests).

user_account.name_pinyin becomes Text: the reading of an 80-character name can be several
hundred characters long, and 31 × 双 already overflowed String(240) on PostgreSQL.

Revision ID: 0007a
Revises: 0006g
Create Date: 2026-12-03 13:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007a'
down_revision = '0006g'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('blocked_until', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_throttle_last_failure_at'), ['last_failure_at'], unique=False)

    op.create_table('password_reset_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user_account.id'], name=op.f('fk_password_reset_code_issued_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_password_reset_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_code')),
    sa.UniqueConstraint('user_id', name=op.f('uq_password_reset_code_user_id'))
    )

    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_key_at')
    op.drop_table('login_failure')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('name_pinyin', existing_type=sa.String(length=240), type_=sa.Text(), existing_nullable=False)


def downgrade():
    # Readings longer than the old column are cut (search by them may then miss a long name).
    op.execute("UPDATE user_account SET name_pinyin = substr(name_pinyin, 1, 240)")
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('name_pinyin', existing_type=sa.Text(), type_=sa.String(length=240), existing_nullable=False)

    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index('ix_login_failure_key_at', ['key', 'at'], unique=False)

    op.drop_table('password_reset_code')
    with op.batch_alter_table('login_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_throttle_last_failure_at'))
    op.drop_table('login_throttle')
