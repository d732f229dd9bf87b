"""Stored contest results: one outcome row per contest (with the organisations' totals), one
standing row per entry; written in the transaction of every change (services.standings).

The upgrade fills them for every existing contest (the pages read only stored rows, and a
read writes nothing), with the application's own refresh; a database with no contests (a
fresh install) has nothing to fill.

Revision ID: 0008r
Revises: 0008v
Create Date: 2026-12-03 17:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008r'
down_revision = '0008v'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('contest_outcome',
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('missing_sheets', sa.Integer(), nullable=False),
    sa.Column('expected_sheets', sa.Integer(), nullable=False),
    sa.Column('problem_code', sa.String(length=40), nullable=True),
    sa.Column('problem_params', sa.JSON(), nullable=True),
    sa.Column('orgs', sa.JSON(), nullable=False),
    sa.Column('skating', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_outcome_contest_id_contest'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contest_id', name=op.f('pk_contest_outcome'))
    )
    op.create_table('contest_standing',
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('exact', sa.String(length=80), nullable=True),
    sa.Column('rounded', sa.String(length=40), nullable=True),
    sa.Column('spread', sa.String(length=40), nullable=True),
    sa.Column('place', sa.Integer(), nullable=True),
    sa.Column('skating_place', sa.String(length=20), nullable=True),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('decided_by', sa.String(length=40), nullable=True),
    sa.Column('tier', sa.String(length=40), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contest.id'], name=op.f('fk_contest_standing_contest_id_contest'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_contest_standing_registration_id_registration'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contest_id', 'registration_id', name=op.f('pk_contest_standing'))
    )
    with op.batch_alter_table('contest_standing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contest_standing_registration_id'), ['registration_id'], unique=False)
    _backfill()


def _backfill():
    """Store the results of every existing contest (published ones as they stand now: their
    marks are locked, so what is computed is what was published)."""
    bind = op.get_bind()
    if not bind.execute(sa.text("SELECT 1 FROM contest LIMIT 1")).first():
        return
    # The one pipeline is the application's own (domain.contest_results); copying it into the
    # script would make a second one.
    from sqlalchemy.orm import Session

    from eventsys.models.contests import Contest
    from eventsys.services import standings

    session = Session(bind=bind)
    for contest in session.query(Contest).order_by(Contest.id):
        standings.refresh(session, contest)
    session.flush()


def downgrade():
    with op.batch_alter_table('contest_standing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contest_standing_registration_id'))
    op.drop_table('contest_standing')
    op.drop_table('contest_outcome')
