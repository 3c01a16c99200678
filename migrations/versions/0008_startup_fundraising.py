"""Funding rounds declared by startups

Revision ID: 0008_startup_fundraising
Revises: 0007_projects
Create Date: 2026-12-03 08:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_startup_fundraising'
down_revision = '0007_projects'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('funding_rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('amount_eur', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('investors', sa.Text(), nullable=False),
    sa.Column('declared_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['declared_by_id'], ['users.id'], name=op.f('fk_funding_rounds_declared_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_funding_rounds_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_rounds'))
    )
    with op.batch_alter_table('funding_rounds', schema=None) as batch_op:
        batch_op.create_index('ix_funding_rounds_organisation_raised', ['organisation_id', 'raised_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_funding_rounds_raised_on'), ['raised_on'], unique=False)


def downgrade():
    with op.batch_alter_table('funding_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_rounds_raised_on'))
        batch_op.drop_index('ix_funding_rounds_organisation_raised')

    op.drop_table('funding_rounds')
