"""Registrations (entries with rosters), attendance, notices, event registration settings,
and the personal calendar token.

Existing events get server defaults for the new NOT NULL columns (no registration, counted in
people, no approval, no substitutes, no entry title or text, no walk-ins).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 17:22:46.714518

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_notice_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notice_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice'))
    )
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.create_index('ix_notice_user_seen', ['user_id', 'seen_at'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('captain_id', sa.Integer(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('team_name', sa.String(length=120), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=True),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('promoted_at', sa.DateTime(), nullable=True),
    sa.Column('blind_code', sa.String(length=12), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('individual', 'team')", name=op.f('ck_registration_kind_known')),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'waiting', 'cancelled', 'rejected')", name=op.f('ck_registration_status_known')),
    sa.CheckConstraint('size >= 1', name=op.f('ck_registration_size_positive')),
    sa.ForeignKeyConstraint(['captain_id'], ['user_account.id'], name=op.f('fk_registration_captain_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_registration_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_registration_organisation_id_organisation'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], name=op.f('fk_registration_registered_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_captain_id'), ['captain_id'], unique=False)
        batch_op.create_index('ix_registration_event_status', ['event_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_registration_queue', ['event_id', 'status', 'id'], unique=False)

    op.create_table('attendance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('occurrence_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("method IN ('list', 'qr', 'walk_in')", name=op.f('ck_attendance_method_known')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['user_account.id'], name=op.f('fk_attendance_checked_in_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_attendance_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['occurrence_id'], ['occurrence.id'], name=op.f('fk_attendance_occurrence_id_occurrence'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_attendance_registration_id_registration'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_attendance_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance')),
    sa.UniqueConstraint('occurrence_id', 'user_id', name='uq_attendance_occurrence_user')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index('ix_attendance_event_at', ['event_id', 'checked_in_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_occurrence_id'), ['occurrence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attendance_user_id'), ['user_id'], unique=False)

    op.create_table('registration_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint("role IN ('captain', 'player', 'substitute', 'performer')", name=op.f('ck_registration_member_role_known')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_registration_member_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_registration_member_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_registration_member_user_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration_member')),
    sa.UniqueConstraint('event_id', 'user_id', name='uq_registration_member_event_user')
    )
    with op.batch_alter_table('registration_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_member_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_member_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_mode', sa.String(length=12), nullable=False, server_default='none'))
        batch_op.add_column(sa.Column('capacity_counts', sa.String(length=10), nullable=False, server_default='people'))
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('roster_min', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('roster_max', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('substitutes_max', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('max_entries_per_organisation', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('asks_title', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('asks_text', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('cancel_deadline', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('walk_ins', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_check_constraint(
            "mode_known", "registration_mode IN ('none', 'individual', 'team')")
        batch_op.create_check_constraint("counts_known", "capacity_counts IN ('people', 'entries')")
        batch_op.create_check_constraint(
            "roster_range", "roster_min IS NULL OR roster_max IS NULL OR roster_min <= roster_max")
        batch_op.create_check_constraint("substitutes_not_negative", "substitutes_max >= 0")

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_secret', sa.String(length=64), nullable=True))



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('calendar_secret')

    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_event_substitutes_not_negative"), type_="check")
        batch_op.drop_constraint(op.f("ck_event_roster_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_event_counts_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_event_mode_known"), type_="check")
        batch_op.drop_column('walk_ins')
        batch_op.drop_column('cancel_deadline')
        batch_op.drop_column('asks_text')
        batch_op.drop_column('asks_title')
        batch_op.drop_column('max_entries_per_organisation')
        batch_op.drop_column('substitutes_max')
        batch_op.drop_column('roster_max')
        batch_op.drop_column('roster_min')
        batch_op.drop_column('requires_approval')
        batch_op.drop_column('capacity_counts')
        batch_op.drop_column('registration_mode')

    with op.batch_alter_table('registration_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_member_user_id'))
        batch_op.drop_index(batch_op.f('ix_registration_member_registration_id'))

    op.drop_table('registration_member')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_user_id'))
        batch_op.drop_index(batch_op.f('ix_attendance_occurrence_id'))
        batch_op.drop_index('ix_attendance_event_at')

    op.drop_table('attendance')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index('ix_registration_queue')
        batch_op.drop_index(batch_op.f('ix_registration_organisation_id'))
        batch_op.drop_index('ix_registration_event_status')
        batch_op.drop_index(batch_op.f('ix_registration_captain_id'))

    op.drop_table('registration')
    with op.batch_alter_table('notice', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_user_seen')

    op.drop_table('notice')
