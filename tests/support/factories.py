"""Building test data through the models, with sensible defaults."""

from __future__ import annotations

from itertools import count

from matchmaker.domain import OrganisationKind, Region, Role
from matchmaker.extensions import db
from matchmaker.models import Organisation, Person, User, utcnow
from matchmaker.security import hash_password

PASSWORD = "correct horse battery staple"
_sequence = count(1)
_hashes: dict[str, str] = {}


def password_hash(password: str) -> str:
    # Argon2 is deliberately slow; tests reuse one hash per password.
    if password not in _hashes:
        _hashes[password] = hash_password(password)
    return _hashes[password]


def make_organisation(**values) -> Organisation:
    n = next(_sequence)
    values.setdefault("name", f"Organisation {n}")
    values.setdefault("kind", OrganisationKind.UNIVERSITY_LAB.value)
    values.setdefault("region", Region.PAYS_DE_LA_LOIRE.value)
    values.setdefault("city", "Nantes")
    focus_areas = values.pop("focus_areas", [])
    organisation = Organisation(**values)
    organisation.focus_areas = focus_areas
    db.session.add(organisation)
    db.session.commit()
    return organisation


def make_person(
    *,
    email: str | None = None,
    password: str = PASSWORD,
    role: Role | str = Role.MEMBER,
    confirmed: bool = True,
    organisation: Organisation | None = None,
    **values,
) -> Person:
    n = next(_sequence)
    user = User(
        email=email or f"person{n}@example.org",
        password_hash=password_hash(password),
        role=str(role),
        confirmed_at=utcnow() if confirmed else None,
    )
    values.setdefault("full_name", f"Person {n}")
    values.setdefault("consent_matching", True)
    values.setdefault("language", "en")
    person = Person(user=user, organisation=organisation, **values)
    db.session.add(person)
    db.session.commit()
    return person
