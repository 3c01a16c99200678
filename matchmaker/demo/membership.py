"""Demo steps for the organisers' dashboard: when members joined, and what startups raised.

The directory steps create every member on the day the demo is loaded; a real cluster grew
over years. Here each person joins on a date drawn over five years (more of them recently, as
a growing network does), never after their first invitation or introduction, and each
organisation joins with its first member. Startups created with the cluster's support declare
the funding rounds they raised since their creation, and a few of the youngest startups are
flagged as supported, so that the startups' section has recent years to show.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, func, select

from matchmaker.demo.generator import ORGANISER_EMAIL, SHOWCASE_EXTERNAL_ID, TEAM_EXTERNAL_ID
from matchmaker.demo.steps import DemoContext, demo_step
from matchmaker.domain import OrganisationKind, Role
from matchmaker.extensions import db
from matchmaker.models import (
    FundingRound,
    IntroductionRequest,
    Invitation,
    ProjectMember,
    RoundKind,
)

HISTORY_YEARS = 5
YOUNG_STARTUPS_SUPPORTED = 5

INVESTORS = (
    "Fonds Loire Amorçage",
    "Atlantique Biotech Ventures",
    "Armor Innovation Capital",
    "Business angels du Grand Ouest",
    "Val de Loire Santé Participations",
    "Fonds régional d'innovation",
    "Estuaire Capital",
    "Club d'investisseurs Santé Ouest",
)
# Amounts in euros by kind of round, and the kinds that usually follow each other.
AMOUNTS = {
    RoundKind.PRE_SEED: (150_000, 600_000),
    RoundKind.SEED: (800_000, 3_500_000),
    RoundKind.SERIES_A: (4_000_000, 15_000_000),
    RoundKind.SERIES_B: (15_000_000, 40_000_000),
    RoundKind.NON_DILUTIVE: (50_000, 1_500_000),
}
LADDER = (RoundKind.PRE_SEED, RoundKind.SEED, RoundKind.SERIES_A, RoundKind.SERIES_B)


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8), tzinfo=UTC) + timedelta(minutes=rng.randint(0, 600))


def _first_activity() -> dict[int, datetime]:
    """Each person's first invitation or introduction request (either side)."""
    first: dict[int, datetime] = {}

    def keep(rows):
        for person_id, moment in rows:
            if person_id is None or moment is None:
                continue
            if person_id not in first or moment < first[person_id]:
                first[person_id] = moment

    keep(
        db.session.execute(
            select(Invitation.person_id, func.min(Invitation.created_at)).group_by(
                Invitation.person_id
            )
        ).all()
    )
    keep(
        db.session.execute(
            select(ProjectMember.person_id, func.min(ProjectMember.created_at)).group_by(
                ProjectMember.person_id
            )
        ).all()
    )
    for column in (IntroductionRequest.requester_id, IntroductionRequest.recipient_id):
        keep(
            db.session.execute(
                select(column, func.min(IntroductionRequest.created_at)).group_by(column)
            ).all()
        )
    return first


# After every step that dates people's activity (events, introductions, projects).
@demo_step("membership-dates", order=80)
def date_memberships(context: DemoContext) -> None:
    db.session.flush()
    rng = context.rng("membership-dates")
    start = context.today - timedelta(days=365 * HISTORY_YEARS)
    span = (context.today - start).days
    first_activity = _first_activity()
    joined: dict[int, datetime] = {}
    for email in sorted(context.people):
        person = context.people[email]
        if person.user.role != Role.MEMBER.value or email == ORGANISER_EMAIL:
            day = start  # the staff were there from the start
        else:
            # Density growing with time: a network that gains members faster each year.
            day = start + timedelta(days=int(span * rng.random() ** 0.6))
        moment = _moment(day, rng)
        active = first_activity.get(person.id)
        if active is not None and moment > active - timedelta(days=3):
            moment = active - timedelta(days=rng.randint(3, 40))
        person.created_at = person.user.created_at = moment
        if person.organisation_id is not None:
            known = joined.get(person.organisation_id)
            joined[person.organisation_id] = moment if known is None else min(known, moment)
    for external_id in sorted(context.organisations):
        organisation = context.organisations[external_id]
        if external_id == TEAM_EXTERNAL_ID:
            organisation.created_at = _moment(start, rng)
            continue
        members_joined = joined.get(organisation.id)
        if members_joined is None:
            day = start + timedelta(days=int(span * rng.random() ** 0.6))
            organisation.created_at = _moment(day, rng)
        else:
            organisation.created_at = members_joined - timedelta(days=rng.randint(0, 20))


def _rounds_for(
    rng: random.Random, created_on: date, today: date, showcase: bool
) -> list[tuple[date, RoundKind, int, str]]:
    rounds = []
    day = created_on + timedelta(days=rng.randint(60, 400))
    step = 0 if rng.random() < 0.5 else 1
    while day <= today and step < len(LADDER):
        if rng.random() < 0.3:
            kind = RoundKind.NON_DILUTIVE
        else:
            kind = LADDER[step]
            step += 1
        low, high = AMOUNTS[kind]
        amount = round(rng.randint(low, high), -4)
        investors = ", ".join(rng.sample(INVESTORS, rng.randint(1, 3)))
        rounds.append((day, kind, amount, "" if kind == RoundKind.NON_DILUTIVE else investors))
        day += timedelta(days=rng.randint(300, 900))
        if not showcase and rng.random() < 0.35:
            break
    return rounds


@demo_step("startup-funding", order=82)
def add_funding_rounds(context: DemoContext) -> None:
    db.session.flush()
    rng = context.rng("startup-funding")
    startups = sorted(
        (
            organisation
            for organisation in context.organisations.values()
            if organisation.kind == OrganisationKind.STARTUP.value
        ),
        key=lambda organisation: organisation.external_id or "",
    )
    ids = [organisation.id for organisation in startups]
    if db.session.scalar(select(exists().where(FundingRound.organisation_id.in_(ids)))):
        return  # loaded before
    young = [
        organisation
        for organisation in startups
        if not organisation.cluster_startup
        and (organisation.founded_year or 0) >= context.today.year - 2
    ]
    for organisation in young[:YOUNG_STARTUPS_SUPPORTED]:
        first = date(organisation.founded_year, 1, 1)
        last = min(date(organisation.founded_year, 12, 31), context.today)
        organisation.cluster_startup = True
        organisation.startup_created_on = first + timedelta(
            days=rng.randint(0, (last - first).days)
        )
    added = 0
    for organisation in startups:
        if not organisation.cluster_startup or organisation.startup_created_on is None:
            continue
        showcase = organisation.external_id == SHOWCASE_EXTERNAL_ID
        if not showcase and rng.random() < 0.35:
            continue  # has not raised, or has not said
        for day, kind, amount, investors in _rounds_for(
            rng, organisation.startup_created_on, context.today, showcase
        ):
            db.session.add(
                FundingRound(
                    organisation_id=organisation.id,
                    raised_on=day,
                    amount_eur=amount,
                    kind=kind.value,
                    investors=investors,
                    created_at=_moment(min(day + timedelta(days=7), context.today), rng),
                )
            )
            added += 1
    context.count(_("funding rounds"), added)

