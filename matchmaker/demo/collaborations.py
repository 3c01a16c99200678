"""Demo step for matching: past collaborations between the demo's companies and public labs.

Companies mostly worked with public organisations of their own themes (a radiopharmaceutical
company with a nuclear medicine department), sometimes with others; the cluster's own team and
the showcase startup have no history, so that what they are suggested comes from their profile.
The suggestions themselves are computed by the rebuild that ``demo load`` runs at its end.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.demo.generator import SHOWCASE_EXTERNAL_ID, TEAM_EXTERNAL_ID, OrganisationPlan
from matchmaker.demo.steps import DemoContext, demo_step
from matchmaker.domain import OrganisationKind, Sector
from matchmaker.extensions import db
from matchmaker.models import Connection, ConnectionVia, PartyKind, ordered_pair

WITHOUT_HISTORY = {TEAM_EXTERNAL_ID, SHOWCASE_EXTERNAL_ID}
# Partners per company: how many of its themes' public organisations, and how many others.
SAME_THEME_PARTNERS = (0, 3)
OTHER_PARTNERS = (0, 1)


def _sector(plan: OrganisationPlan) -> Sector:
    return OrganisationKind(plan.kind).sector


def planned_collaborations(context: DemoContext) -> list[tuple[str, str, int]]:
    """(private external id, public external id, year), drawn from the step's own generator."""
    rng = context.rng("collaborations")
    organisations = [o for o in context.plan.organisations if o.external_id not in WITHOUT_HISTORY]
    public = [o for o in organisations if _sector(o) == Sector.PUBLIC and o.themes]
    private = [
        o
        for o in organisations
        if _sector(o) == Sector.PRIVATE and o.kind != OrganisationKind.INVESTOR.value
    ]
    pairs: dict[tuple[str, str], int] = {}
    for company in private:
        themes = set(company.themes)
        close = [o for o in public if themes & set(o.themes)]
        others = [o for o in public if not themes & set(o.themes)]
        chosen = rng.sample(close, k=min(len(close), rng.randint(*SAME_THEME_PARTNERS)))
        chosen += rng.sample(others, k=min(len(others), rng.randint(*OTHER_PARTNERS)))
        for partner in chosen:
            year = rng.randint(context.today.year - 9, context.today.year - 1)
            pairs.setdefault((company.external_id, partner.external_id), year)
    return [(a, b, year) for (a, b), year in pairs.items()]


@demo_step("collaborations", order=40)
def add_collaborations(context: DemoContext) -> None:
    db.session.flush()
    organisation = PartyKind.ORGANISATION.value
    existing = {
        (a, b)
        for a, b in db.session.execute(
            select(Connection.a_id, Connection.b_id).where(
                Connection.via == ConnectionVia.COLLABORATION.value,
                Connection.a_kind == organisation,
                Connection.b_kind == organisation,
            )
        )
    }
    added = 0
    for private_id, public_id, year in context.track(
        planned_collaborations(context), _("Past collaborations")
    ):
        a = context.organisations.get(private_id)
        b = context.organisations.get(public_id)
        if a is None or b is None:
            continue
        (a_kind, a_id), (b_kind, b_id) = ordered_pair((organisation, a.id), (organisation, b.id))
        if (a_id, b_id) in existing:
            continue
        existing.add((a_id, b_id))
        db.session.add(
            Connection(
                a_kind=a_kind,
                a_id=a_id,
                b_kind=b_kind,
                b_id=b_id,
                via=ConnectionVia.COLLABORATION.value,
                source_ref=0,
                occurred_on=date(year, 1, 1),
            )
        )
        added += 1
    if added:
        context.count(_("past collaborations"), added)
