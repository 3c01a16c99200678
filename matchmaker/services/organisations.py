"""Organisations: what sign-up needs to list them and to refuse a second copy of one."""

from __future__ import annotations

from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Organisation
from matchmaker.text import fold


def organisations_by_name() -> list[Organisation]:
    """Every organisation, sorted as a reader expects (accents and case ignored)."""
    organisations = db.session.scalars(select(Organisation)).all()
    return sorted(
        organisations, key=lambda organisation: (fold(organisation.name), organisation.id)
    )


def find_by_name(name: str) -> Organisation | None:
    """The organisation whose name reads the same as ``name``, if one is registered."""
    wanted = fold(name)
    if not wanted:
        return None
    rows = db.session.execute(select(Organisation.id, Organisation.name)).all()
    for organisation_id, existing in rows:
        if fold(existing) == wanted:
            return db.session.get(Organisation, organisation_id)
    return None
