"""Building events and small clusters of members whose profiles fit (or do not fit) a theme."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matchmaker.extensions import db
from matchmaker.models import Event, Invitation, InvitationState, Person, utcnow
from matchmaker.services import events
from matchmaker.services.tags import resolve_tags
from tests.support.factories import make_organisation, make_person

THEME = "Bioproduction of monoclonal antibodies: bioreactors, process development, GMP"

PRIVATE_PROFILES = [
    ("Upstream process development for antibodies in bioreactors", "bioreactors",
     "A GMP platform for pilot batches", "Process development know-how"),
    ("GMP manufacturing of monoclonal antibodies, fill and finish", "GMP",
     "Academic partners for analytics", "Clinical batches"),
    ("Downstream purification of antibodies, chromatography", "chromatography",
     "Process development partners", "Purification services"),
    ("Bioprocess scale-up, single-use bioreactors", "bioprocess",
     "Cell line development expertise", "Scale-up capacity"),
    ("Cell culture media for bioproduction", "bioproduction",
     "Bioreactor test beds", "Media formulation"),
    ("Quality control analytics for biologics manufacturing", "analytics",
     "Reference methods", "QC testing"),
]
PUBLIC_PROFILES = [
    ("Bioreactor platform and process development for academic projects", "bioreactors",
     "Industrial partners for scale-up", "A pilot bioreactor platform"),
    ("Cell line engineering for antibody production", "cell line development",
     "Companies producing antibodies", "CHO cell lines"),
    ("Analytical characterisation of monoclonal antibodies", "mass spectrometry",
     "GMP manufacturers", "Antibody characterisation"),
    ("Chromatography and purification research", "chromatography",
     "Purification challenges from industry", "Purification methods"),
    ("Bioprocess modelling and digital twins for bioproduction", "bioprocess",
     "Manufacturing data", "Process models"),
    ("GMP cell therapy production unit at the hospital", "GMP",
     "Manufacturing partners", "GMP facility"),
]
UNRELATED = [
    ("Medieval history of Brittany", "history"),
    ("Ornithology of the Loire estuary", "birds"),
]


def paris(year, month, day, hour=18, minute=30) -> datetime:
    return events.from_paris(datetime(year, month, day, hour, minute))


def make_event(**values) -> Event:
    starts_at = values.pop("starts_at", None) or (
        utcnow().replace(microsecond=0) + timedelta(days=10)
    )
    data = events.EventData(
        title=values.pop("title", "Afterwork bioproduction"),
        theme=values.pop("theme", THEME),
        starts_at=starts_at,
        ends_at=values.pop("ends_at", starts_at + timedelta(hours=3)),
        focus_areas=values.pop("focus_areas", ["bioproduction"]),
        tag_labels=values.pop("tag_labels", []),
        venue=values.pop("venue", "Halle 6"),
        address=values.pop("address", "42 rue la Noue Bras de Fer, Nantes"),
        capacity=values.pop("capacity", 70),
        private_share=values.pop("private_share", 0.5),
        **values,
    )
    return events.create_event(data)


def make_member(sector: str, expertise: str, tag: str, looking_for="", offer="", **values):
    organisation = values.pop("organisation", None) or make_organisation(
        kind="cdmo" if sector == "private" else "university_lab",
        region=values.pop("region", "pays_de_la_loire"),
    )
    person = make_person(
        organisation=organisation,
        expertise=expertise,
        looking_for=looking_for,
        offer=offer,
        **values,
    )
    person.tags = resolve_tags([tag])
    db.session.commit()
    return person


def bioproduction_cluster(private: int = 6, public: int = 6, unrelated: int = 2) -> dict:
    """Members matching the theme on both sides, and a few who do not."""
    people = {"private": [], "public": [], "unrelated": []}
    for i, (expertise, tag, looking, offer) in enumerate(PRIVATE_PROFILES[:private]):
        people["private"].append(
            make_member("private", expertise, tag, looking, offer, email=f"private{i}@example.org",
                        full_name=f"Private Person {i}")
        )
    for i, (expertise, tag, looking, offer) in enumerate(PUBLIC_PROFILES[:public]):
        people["public"].append(
            make_member("public", expertise, tag, looking, offer, email=f"public{i}@example.org",
                        full_name=f"Public Person {i}")
        )
    for i, (expertise, tag) in enumerate(UNRELATED[:unrelated]):
        people["unrelated"].append(
            make_member("public", expertise, tag, email=f"other{i}@example.org",
                        full_name=f"Unrelated Person {i}")
        )
    return people


def invite(event: Event, person: Person, state: str = InvitationState.INVITED, **values):
    """An invitation written directly (history, or a state a test starts from)."""
    invitation = Invitation(
        event_id=event.id,
        person_id=person.id,
        state=str(state),
        invited_at=values.pop("invited_at", utcnow() - timedelta(days=1)),
        **values,
    )
    db.session.add(invitation)
    db.session.commit()
    return invitation


def past_event(days_ago: int = 30, **values) -> Event:
    """An event that is over (created in the future, then moved back: as time would)."""
    event = make_event(**values)
    event.starts_at = datetime.now(UTC) - timedelta(days=days_ago)
    event.ends_at = event.starts_at + timedelta(hours=3)
    db.session.commit()
    return event


def move_event(event: Event, starts_at: datetime, hours: int = 3) -> None:
    """Time passes: put the event at ``starts_at`` without going through the service."""
    event.starts_at = starts_at
    event.ends_at = starts_at + timedelta(hours=hours)
    db.session.commit()
