"""Suggestions a member hid (not for me), with why

Revision ID: 0009_hidden_suggestions
Revises: 0008_startup_fundraising
Create Date: 2026-12-03 13:18:16

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_hidden_suggestions'
down_revision = '0008_startup_fundraising'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hidden_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('candidate_kind', sa.String(length=16), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=24), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_hidden_suggestions_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hidden_suggestions')),
    sa.UniqueConstraint('person_id', 'candidate_kind', 'candidate_id', name=op.f('uq_hidden_suggestions_person_id_candidate_kind_candidate_id'))
    )


def downgrade():
    op.drop_table('hidden_suggestions')
