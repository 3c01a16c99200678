"""Matching in the app: refresh queue, rebuild runs, settings; first-seen dates; lifted vetoes

Revision ID: 0006_matching
Revises: 0005_introductions
Create Date: 2026-11-21 12:43:12.640566

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_matching'
down_revision = '0005_introductions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('matching_changes',
    sa.Column('party_kind', sa.String(length=16), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('queued_at', sa.DateTime(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('party_kind', 'party_id', name=op.f('pk_matching_changes'))
    )
    with op.batch_alter_table('matching_changes', schema=None) as batch_op:
        batch_op.create_index('ix_matching_changes_queued_at', ['queued_at'], unique=False)

    op.create_table('matching_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('organisations', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('collaborations', sa.Integer(), nullable=False),
    sa.Column('suggestions', sa.Integer(), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matching_runs'))
    )
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_matching_runs_started_at'), ['started_at'], unique=False)

    op.create_table('matching_settings',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_matching_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_matching_settings'))
    )

    # Stored suggestions existing before this revision were first seen when they were computed.
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_seen_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE suggestions SET first_seen_at = computed_at")
    # One row per (source, candidate): keep the best-ranked of any duplicates.
    op.execute(
        "DELETE FROM suggestions WHERE id NOT IN (SELECT MIN(id) FROM suggestions "
        "GROUP BY source_kind, source_id, candidate_kind, candidate_id)"
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.alter_column('first_seen_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_unique_constraint('uq_suggestions_pair', ['source_kind', 'source_id', 'candidate_kind', 'candidate_id'])

    with op.batch_alter_table('vetoes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('removed_by_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint('uq_vetoes_a_kind_a_id_b_kind_b_id', type_='unique')
        batch_op.create_index('ix_vetoes_pair', ['a_kind', 'a_id', 'b_kind', 'b_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_vetoes_removed_by_id_users'), 'users', ['removed_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    # Lifted vetoes are history only; the unique pair constraint comes back over active ones.
    op.execute("DELETE FROM vetoes WHERE removed_at IS NOT NULL")
    with op.batch_alter_table('vetoes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_vetoes_removed_by_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_vetoes_pair')
        batch_op.create_unique_constraint('uq_vetoes_a_kind_a_id_b_kind_b_id', ['a_kind', 'a_id', 'b_kind', 'b_id'])
        batch_op.drop_column('removed_by_id')
        batch_op.drop_column('removed_at')

    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint('uq_suggestions_pair', type_='unique')
        batch_op.drop_column('first_seen_at')

    op.drop_table('matching_settings')
    with op.batch_alter_table('matching_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_matching_runs_started_at'))

    op.drop_table('matching_runs')
    with op.batch_alter_table('matching_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_matching_changes_queued_at')

    op.drop_table('matching_changes')
