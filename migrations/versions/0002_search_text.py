"""Folded search text on organisations and people

Revision ID: 0002_search_text
Revises: 0001
Create Date: 2026-11-21 11:36:22.933614

"""
from alembic import op
import sqlalchemy as sa

from matchmaker.text import search_document


# revision identifiers, used by Alembic.
revision = '0002_search_text'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))

    backfill(op.get_bind())


def backfill(connection):
    """Rows written before this column existed get the text the app would have stored."""
    tag_labels = {}
    for owner, table, column in (
        ("organisation", "organisation_tags", "organisation_id"),
        ("person", "person_tags", "person_id"),
    ):
        rows = connection.execute(sa.text(
            f"SELECT {column}, tags.label FROM {table} JOIN tags ON tags.id = {table}.tag_id"
        ))
        for owner_id, label in rows:
            tag_labels.setdefault((owner, owner_id), []).append(label)
    names = {}
    organisations = connection.execute(sa.text(
        "SELECT id, name, city, description, offer, looking_for FROM organisations"
    )).fetchall()
    for row in organisations:
        names[row.id] = row.name
        text = search_document(
            row.name, row.city, row.description, row.offer, row.looking_for,
            " ".join(tag_labels.get(("organisation", row.id), [])),
        )
        connection.execute(
            sa.text("UPDATE organisations SET search_text = :text WHERE id = :id"),
            {"text": text, "id": row.id},
        )
    people = connection.execute(sa.text(
        "SELECT id, organisation_id, full_name, position, expertise, offer, looking_for "
        "FROM people"
    )).fetchall()
    for row in people:
        text = search_document(
            row.full_name, row.position, row.expertise, row.offer, row.looking_for,
            " ".join(tag_labels.get(("person", row.id), [])),
            names.get(row.organisation_id, ""),
        )
        connection.execute(
            sa.text("UPDATE people SET search_text = :text WHERE id = :id"),
            {"text": text, "id": row.id},
        )


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('search_text')

    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('search_text')
