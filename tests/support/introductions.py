"""A small cluster for introduction tests: a startup founder, a lab, the staff, a suggestion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import Organisation, Person, Suggestion
from matchmaker.services import introductions
from tests.support.factories import make_organisation, make_person

MESSAGE = "We scale up lentiviral vectors and would like your view on process analytics."

REASONS = [
    {"channel": "expertise", "concept": "lentiviral_vector", "term": "lentiviral", "weight": 0.4},
    {"channel": "offer_to_need", "concept": None, "term": "process analytics", "weight": 0.2},
    {"channel": "network", "concept": None, "term": "o:12", "weight": 0.1},
]


@dataclass
class Cast:
    startup: Organisation
    lab: Organisation
    founder: Person
    researcher: Person
    colleague: Person
    outsider: Person
    organiser: Person


def make_cast() -> Cast:
    startup = make_organisation(name="Vectalis Bio", kind="startup", focus_areas=["bioproduction"])
    lab = make_organisation(name="Laboratoire de thérapie génique", kind="university_lab")
    other = make_organisation(name="Another company", kind="sme")
    cast = Cast(
        startup=startup,
        lab=lab,
        founder=make_person(
            email="founder@vectalis.example.org",
            full_name="Florence Fondatrice",
            organisation=startup,
            phone="06 12 34 56 78",
        ),
        researcher=make_person(
            email="researcher@lab.example.org",
            full_name="Rémi Chercheur",
            organisation=lab,
            phone="02 40 00 00 01",
            language="fr",
        ),
        colleague=make_person(
            email="colleague@lab.example.org", full_name="Colette Collègue", organisation=lab
        ),
        outsider=make_person(
            email="outsider@other.example.org", full_name="Otto Outsider", organisation=other
        ),
        organiser=make_person(
            email="staff@cluster.example.org", full_name="Odile Organisatrice", role=Role.ORGANISER
        ),
    )
    db.session.add(
        Suggestion(
            source_kind="person",
            source_id=cast.founder.id,
            candidate_kind="person",
            candidate_id=cast.researcher.id,
            rank=1,
            score=0.42,
            channels={"expertise": 0.3},
            reasons=REASONS,
        )
    )
    db.session.commit()
    return cast


def ask(
    requester: Person,
    recipient: Person | None = None,
    *,
    organisation: Organisation | None = None,
    now: datetime | None = None,
    purpose: str = "collaborative_project",
    message: str = MESSAGE,
):
    return introductions.request_introduction(
        requester.user,
        purpose=purpose,
        message=message,
        person_id=recipient.id if recipient is not None else None,
        organisation_id=organisation.id if organisation is not None else None,
        now=now,
    )
