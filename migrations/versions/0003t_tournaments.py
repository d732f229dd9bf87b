"""Ball-game tournaments: settings, courts, seeded entries, referees, stages, groups and
matches with their results and knockout links.

Revision ID: 0003t
Revises: 0002
Create Date: 2026-11-28 17:27:19.342004

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003t'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tournament',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('sport', sa.String(length=20), nullable=False),
    sa.Column('best_of', sa.Integer(), nullable=True),
    sa.Column('race_to', sa.Integer(), nullable=True),
    sa.Column('points_win', sa.Integer(), nullable=False),
    sa.Column('points_draw', sa.Integer(), nullable=True),
    sa.Column('points_loss', sa.Integer(), nullable=False),
    sa.Column('points_walkover_loss', sa.Integer(), nullable=False),
    sa.Column('criteria', sa.String(length=300), nullable=False),
    sa.Column('min_rest_slots', sa.Integer(), nullable=False),
    sa.Column('slot_minutes', sa.Integer(), nullable=False),
    sa.Column('first_slot_at', sa.DateTime(), nullable=False),
    sa.Column('third_place_match', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("sport IN ('table_tennis', 'gateball', 'billiards', 'score')", name=op.f('ck_tournament_sport_known')),
    sa.CheckConstraint('best_of IS NULL OR (best_of >= 1 AND best_of % 2 = 1)', name=op.f('ck_tournament_best_of_odd')),
    sa.CheckConstraint('min_rest_slots >= 0', name=op.f('ck_tournament_rest_not_negative')),
    sa.CheckConstraint('points_walkover_loss <= points_loss', name=op.f('ck_tournament_walkover_loss_not_better')),
    sa.CheckConstraint('points_win > points_loss', name=op.f('ck_tournament_win_beats_loss')),
    sa.CheckConstraint('race_to IS NULL OR race_to >= 1', name=op.f('ck_tournament_race_to_positive')),
    sa.CheckConstraint('slot_minutes >= 5', name=op.f('ck_tournament_slot_long_enough')),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_tournament_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament')),
    sa.UniqueConstraint('event_id', name=op.f('uq_tournament_event_id'))
    )
    op.create_table('tournament_court',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('venue_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_court_tournament_id_tournament'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['venue_id'], ['venue.id'], name=op.f('fk_tournament_court_venue_id_venue'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_court')),
    sa.UniqueConstraint('tournament_id', 'name', name='uq_tournament_court_name'),
    sa.UniqueConstraint('tournament_id', 'position', name='uq_tournament_court_position')
    )
    op.create_table('tournament_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.CheckConstraint('seed >= 1', name=op.f('ck_tournament_entry_seed_positive')),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_tournament_entry_registration_id_registration'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_entry_tournament_id_tournament'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_entry')),
    sa.UniqueConstraint('tournament_id', 'registration_id', name='uq_tournament_entry_team'),
    sa.UniqueConstraint('tournament_id', 'seed', name='uq_tournament_entry_seed')
    )
    with op.batch_alter_table('tournament_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tournament_entry_registration_id'), ['registration_id'], unique=False)

    op.create_table('tournament_referee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_referee_tournament_id_tournament'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_tournament_referee_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_referee')),
    sa.UniqueConstraint('tournament_id', 'user_id', name='uq_tournament_referee_user')
    )
    with op.batch_alter_table('tournament_referee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tournament_referee_user_id'), ['user_id'], unique=False)

    op.create_table('tournament_stage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('qualifiers', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('round_robin', 'double_round_robin', 'groups', 'knockout')", name=op.f('ck_tournament_stage_kind_known')),
    sa.CheckConstraint('qualifiers IS NULL OR qualifiers >= 1', name=op.f('ck_tournament_stage_qualifiers_positive')),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_stage_tournament_id_tournament'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_stage')),
    sa.UniqueConstraint('tournament_id', 'position', name='uq_tournament_stage_position')
    )
    op.create_table('tournament_pool',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['stage_id'], ['tournament_stage.id'], name=op.f('fk_tournament_pool_stage_id_tournament_stage'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_pool')),
    sa.UniqueConstraint('stage_id', 'position', name='uq_tournament_pool_position')
    )
    op.create_table('tournament_match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=True),
    sa.Column('round_index', sa.Integer(), nullable=False),
    sa.Column('match_index', sa.Integer(), nullable=False),
    sa.Column('is_third_place', sa.Boolean(), nullable=False),
    sa.Column('side_a_id', sa.Integer(), nullable=True),
    sa.Column('side_b_id', sa.Integer(), nullable=True),
    sa.Column('feed_a_pool_id', sa.Integer(), nullable=True),
    sa.Column('feed_a_place', sa.Integer(), nullable=True),
    sa.Column('feed_b_pool_id', sa.Integer(), nullable=True),
    sa.Column('feed_b_place', sa.Integer(), nullable=True),
    sa.Column('court_id', sa.Integer(), nullable=True),
    sa.Column('slot', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('winner_id', sa.Integer(), nullable=True),
    sa.Column('score_a', sa.Integer(), nullable=True),
    sa.Column('score_b', sa.Integer(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.Column('decided_by', sa.String(length=30), nullable=True),
    sa.Column('next_match_id', sa.Integer(), nullable=True),
    sa.Column('next_side', sa.String(length=1), nullable=True),
    sa.Column('loser_next_match_id', sa.Integer(), nullable=True),
    sa.Column('loser_next_side', sa.String(length=1), nullable=True),
    sa.Column('result_by_id', sa.Integer(), nullable=True),
    sa.Column('result_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("loser_next_side IS NULL OR loser_next_side IN ('a', 'b')", name=op.f('ck_tournament_match_loser_next_side_known')),
    sa.CheckConstraint("next_side IS NULL OR next_side IN ('a', 'b')", name=op.f('ck_tournament_match_next_side_known')),
    sa.CheckConstraint("status IN ('scheduled', 'played', 'walkover', 'bye')", name=op.f('ck_tournament_match_status_known')),
    sa.CheckConstraint('score_a IS NULL OR score_a >= 0', name=op.f('ck_tournament_match_score_a_not_negative')),
    sa.CheckConstraint('score_b IS NULL OR score_b >= 0', name=op.f('ck_tournament_match_score_b_not_negative')),
    sa.CheckConstraint('side_a_id IS NULL OR side_b_id IS NULL OR side_a_id <> side_b_id', name=op.f('ck_tournament_match_sides_differ')),
    sa.ForeignKeyConstraint(['court_id'], ['tournament_court.id'], name=op.f('fk_tournament_match_court_id_tournament_court'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['feed_a_pool_id'], ['tournament_pool.id'], name=op.f('fk_tournament_match_feed_a_pool_id_tournament_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['feed_b_pool_id'], ['tournament_pool.id'], name=op.f('fk_tournament_match_feed_b_pool_id_tournament_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['loser_next_match_id'], ['tournament_match.id'], name=op.f('fk_tournament_match_loser_next_match_id_tournament_match'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['next_match_id'], ['tournament_match.id'], name=op.f('fk_tournament_match_next_match_id_tournament_match'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['pool_id'], ['tournament_pool.id'], name=op.f('fk_tournament_match_pool_id_tournament_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['result_by_id'], ['user_account.id'], name=op.f('fk_tournament_match_result_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['side_a_id'], ['registration.id'], name=op.f('fk_tournament_match_side_a_id_registration'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['side_b_id'], ['registration.id'], name=op.f('fk_tournament_match_side_b_id_registration'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['stage_id'], ['tournament_stage.id'], name=op.f('fk_tournament_match_stage_id_tournament_stage'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_match_tournament_id_tournament'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['winner_id'], ['registration.id'], name=op.f('fk_tournament_match_winner_id_registration'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_match')),
    sa.UniqueConstraint('stage_id', 'round_index', 'match_index', name='uq_tournament_match_position')
    )
    with op.batch_alter_table('tournament_match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tournament_match_pool_id'), ['pool_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tournament_match_side_a_id'), ['side_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tournament_match_side_b_id'), ['side_b_id'], unique=False)
        batch_op.create_index('ix_tournament_match_slot', ['tournament_id', 'slot'], unique=False)
        batch_op.create_index(batch_op.f('ix_tournament_match_stage_id'), ['stage_id'], unique=False)

    op.create_table('tournament_pool_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('lot', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['pool_id'], ['tournament_pool.id'], name=op.f('fk_tournament_pool_member_pool_id_tournament_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_tournament_pool_member_registration_id_registration'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_pool_member')),
    sa.UniqueConstraint('pool_id', 'registration_id', name='uq_tournament_pool_member_team'),
    sa.UniqueConstraint('pool_id', 'seed', name='uq_tournament_pool_member_seed')
    )
    with op.batch_alter_table('tournament_pool_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tournament_pool_member_registration_id'), ['registration_id'], unique=False)



def downgrade():
    with op.batch_alter_table('tournament_pool_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tournament_pool_member_registration_id'))

    op.drop_table('tournament_pool_member')
    with op.batch_alter_table('tournament_match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tournament_match_stage_id'))
        batch_op.drop_index('ix_tournament_match_slot')
        batch_op.drop_index(batch_op.f('ix_tournament_match_side_b_id'))
        batch_op.drop_index(batch_op.f('ix_tournament_match_side_a_id'))
        batch_op.drop_index(batch_op.f('ix_tournament_match_pool_id'))

    op.drop_table('tournament_match')
    op.drop_table('tournament_pool')
    op.drop_table('tournament_stage')
    with op.batch_alter_table('tournament_referee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tournament_referee_user_id'))

    op.drop_table('tournament_referee')
    with op.batch_alter_table('tournament_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tournament_entry_registration_id'))

    op.drop_table('tournament_entry')
    op.drop_table('tournament_court')
    op.drop_table('tournament')
