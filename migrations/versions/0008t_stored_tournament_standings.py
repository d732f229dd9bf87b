"""Stored tournament standings (a group's table and its lines, refreshed in the commit that
changes the tournament); tournament.version goes (the aggregate version tournament:<id> is it).

Revision ID: 0008t
Revises: 0008m
Create Date: 2026-12-03 16:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008t'
down_revision = '0008m'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('tournament_standing',
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('played', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['tournament_pool.id'], name=op.f('fk_tournament_standing_pool_id_tournament_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_standing_tournament_id_tournament'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pool_id', name=op.f('pk_tournament_standing'))
    )
    with op.batch_alter_table('tournament_standing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tournament_standing_tournament_id'), ['tournament_id'], unique=False)

    op.create_table('tournament_standing_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tournament_id', sa.Integer(), nullable=False),
    sa.Column('pool_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('place', sa.Integer(), nullable=False),
    sa.Column('played', sa.Integer(), nullable=False),
    sa.Column('won', sa.Integer(), nullable=False),
    sa.Column('drawn', sa.Integer(), nullable=False),
    sa.Column('lost', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('score_for', sa.Integer(), nullable=False),
    sa.Column('score_against', sa.Integer(), nullable=False),
    sa.Column('rally_for', sa.Integer(), nullable=False),
    sa.Column('rally_against', sa.Integer(), nullable=False),
    sa.Column('decided_by', sa.String(length=60), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['pool_id'], ['tournament_pool.id'], name=op.f('fk_tournament_standing_line_pool_id_tournament_pool'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_tournament_standing_line_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tournament_id'], ['tournament.id'], name=op.f('fk_tournament_standing_line_tournament_id_tournament'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tournament_standing_line')),
    sa.UniqueConstraint('pool_id', 'registration_id', name='uq_tournament_standing_line_team')
    )
    with op.batch_alter_table('tournament_standing_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tournament_standing_line_registration_id'), ['registration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tournament_standing_line_tournament_id'), ['tournament_id'], unique=False)

    with op.batch_alter_table('tournament', schema=None) as batch_op:
        batch_op.drop_column('version')


def downgrade():
    with op.batch_alter_table('tournament', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))

    with op.batch_alter_table('tournament_standing_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tournament_standing_line_tournament_id'))
        batch_op.drop_index(batch_op.f('ix_tournament_standing_line_registration_id'))

    op.drop_table('tournament_standing_line')
    with op.batch_alter_table('tournament_standing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tournament_standing_tournament_id'))

    op.drop_table('tournament_standing')
