"""Judged contests: criteria, panels, score sheets, placings, prize tiers.

Only the contests tables; every column type is copied here, no application code is imported.

Revision ID: 0003c
Revises: 0002
Create Date: 2026-11-28 17:26:37.430215

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003c'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('aggregation', sa.String(length=20), nullable=False),
    sa.Column('weighting_order', sa.String(length=40), nullable=False),
    sa.Column('drop_highest', sa.Integer(), nullable=False),
    sa.Column('drop_lowest', sa.Integer(), nullable=False),
    sa.Column('decimals', sa.Integer(), nullable=False),
    sa.Column('rank_on_rounded', sa.Boolean(), nullable=False),
    sa.Column('tiebreaks', sa.String(length=200), nullable=False),
    sa.Column('prize_mode', sa.String(length=12), nullable=False),
    sa.Column('tie_policy', sa.String(length=30), nullable=False),
    sa.Column('org_points_basis', sa.String(length=8), nullable=False),
    sa.Column('place_points', sa.String(length=200), nullable=False),
    sa.Column('dances', sa.String(length=200), nullable=False),
    sa.Column('blind', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('results_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("aggregation IN ('mean', 'median', 'trimmed_mean', 'skating')", name=op.f('ck_contest_aggregation_known')),
    sa.CheckConstraint("org_points_basis IN ('tier', 'place')", name=op.f('ck_contest_basis_known')),
    sa.CheckConstraint("prize_mode IN ('count', 'share', 'threshold')", name=op.f('ck_contest_prize_mode_known')),
    sa.CheckConstraint("tie_policy IN ('competition_rank', 'quota_extends', 'exact_quota_secondary_key')", name=op.f('ck_contest_tie_policy_known')),
    sa.CheckConstraint("weighting_order IN ('per_judge_total_then_trim', 'per_criterion_trim_then_weight')", name=op.f('ck_contest_order_known')),
    sa.CheckConstraint('decimals >= 0 AND decimals <= 4', name=op.f('ck_contest_decimals_range')),
    sa.CheckConstraint('drop_highest >= 0 AND drop_lowest >= 0', name=op.f('ck_contest_drops_not_negative')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_contest_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contest')),
    sa.UniqueConstraint('event_id', name=op.f('uq_contest_event_id'))
    )
    op.create_table('criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('weight', sa.Numeric(precision=10, scale=4), nullable=False),
    sa.Column('min_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('max_mark', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_mark > min_mark', name=op.f('ck_criterion_range_not_empty')),
    sa.CheckConstraint('weight >= 0', name=op.f('ck_criterion_weight_not_negative')),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_criterion_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criterion')),
    sa.UniqueConstraint('contest_id', 'name', name='uq_criterion_contest_name')
    )
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criterion_contest_id'), ['contest_id'], unique=False)

    op.create_table('judge_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_judge_assignment_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_judge_assignment_judge_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_judge_assignment')),
    sa.UniqueConstraint('contest_id', 'judge_id', name='uq_judge_assignment_contest_judge')
    )
    with op.batch_alter_table('judge_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_judge_assignment_judge_id'), ['judge_id'], unique=False)

    op.create_table('placing_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('dance', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_placing_sheet_status_known')),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_placing_sheet_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_placing_sheet_judge_id_user_account'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placing_sheet')),
    sa.UniqueConstraint('contest_id', 'judge_id', 'dance', name='uq_placing_sheet_judge_dance')
    )
    with op.batch_alter_table('placing_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placing_sheet_judge_id'), ['judge_id'], unique=False)

    op.create_table('prize_tier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('quota', sa.Integer(), nullable=True),
    sa.Column('share', sa.Numeric(precision=6, scale=4), nullable=True),
    sa.Column('threshold', sa.Numeric(precision=10, scale=4), nullable=True),
    sa.Column('points', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_prize_tier_points_not_negative')),
    sa.CheckConstraint('quota IS NULL OR quota >= 0', name=op.f('ck_prize_tier_quota_not_negative')),
    sa.CheckConstraint('share IS NULL OR (share >= 0 AND share <= 1)', name=op.f('ck_prize_tier_share_range')),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_prize_tier_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_prize_tier')),
    sa.UniqueConstraint('contest_id', 'name', name='uq_prize_tier_contest_name')
    )
    with op.batch_alter_table('prize_tier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prize_tier_contest_id'), ['contest_id'], unique=False)

    op.create_table('score_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('judge_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'submitted')", name=op.f('ck_score_sheet_status_known')),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_score_sheet_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['judge_id'], ['user_account.id'], name=op.f('fk_score_sheet_judge_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_score_sheet_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_sheet')),
    sa.UniqueConstraint('judge_id', 'registration_id', name='uq_score_sheet_judge_entry')
    )
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_score_sheet_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_judge_id'), ['judge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_sheet_registration_id'), ['registration_id'], unique=False)

    op.create_table('mark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['criterion_id'], ['criterion.id'], name=op.f('fk_mark_criterion_id_criterion'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sheet_id'], ['score_sheet.id'], name=op.f('fk_mark_sheet_id_score_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mark')),
    sa.UniqueConstraint('sheet_id', 'criterion_id', name='uq_mark_sheet_criterion')
    )
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mark_criterion_id'), ['criterion_id'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sheet_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.CheckConstraint('place >= 1', name=op.f('ck_placement_place_positive')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_placement_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sheet_id'], ['placing_sheet.id'], name=op.f('fk_placement_sheet_id_placing_sheet'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement')),
    sa.UniqueConstraint('sheet_id', 'registration_id', name='uq_placement_sheet_entry')
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_registration_id'), ['registration_id'], unique=False)



def downgrade():
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_registration_id'))

    op.drop_table('placement')
    with op.batch_alter_table('mark', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mark_criterion_id'))

    op.drop_table('mark')
    with op.batch_alter_table('score_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_sheet_registration_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheet_judge_id'))
        batch_op.drop_index(batch_op.f('ix_score_sheet_contest_id'))

    op.drop_table('score_sheet')
    with op.batch_alter_table('prize_tier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prize_tier_contest_id'))

    op.drop_table('prize_tier')
    with op.batch_alter_table('placing_sheet', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placing_sheet_judge_id'))

    op.drop_table('placing_sheet')
    with op.batch_alter_table('judge_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_judge_assignment_judge_id'))

    op.drop_table('judge_assignment')
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criterion_contest_id'))

    op.drop_table('criterion')
    op.drop_table('contest')
