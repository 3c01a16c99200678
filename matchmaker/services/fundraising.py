"""Funding rounds: a startup's members (or the cluster staff) declare what it raised.

The dashboard counts the rounds of the startups created with the cluster's support; any
startup may declare its own, so the figures are right the day the staff flag it as supported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matchmaker.domain import OrganisationKind
from matchmaker.extensions import db
from matchmaker.models import FundingRound, Organisation, RoundKind, User
from matchmaker.services.organisations import can_edit_organisation

INVESTORS_MAX = 500
# Above this, a typing slip (an extra zero or two) is far likelier than a real round.
AMOUNT_MAX = 2_000_000_000
EARLIEST_ROUND = date(1990, 1, 1)

ROUND_KIND_LABELS = {
    RoundKind.PRE_SEED: _l("Pre-seed"),
    RoundKind.SEED: _l("Seed"),
    RoundKind.SERIES_A: _l("Series A"),
    RoundKind.SERIES_B: _l("Series B"),
    RoundKind.LATER: _l("Series C and later"),
    RoundKind.NON_DILUTIVE: _l("Grant or innovation loan"),
    RoundKind.OTHER: _l("Other"),
}


class FundraisingError(ValueError):
    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status


@dataclass(frozen=True)
class RoundData:
    raised_on: date | None
    amount_eur: int | None
    kind: str
    investors: str = ""


def is_startup(organisation: Organisation) -> bool:
    return organisation.cluster_startup or organisation.kind == OrganisationKind.STARTUP


def can_declare(user, organisation: Organisation) -> bool:
    """The startup's own members and the organisers; nobody for an organisation that is not a
    startup."""
    return is_startup(organisation) and can_edit_organisation(user, organisation)


def rounds_of(organisation: Organisation) -> list[FundingRound]:
    return list(
        db.session.scalars(
            select(FundingRound)
            .where(FundingRound.organisation_id == organisation.id)
            .order_by(FundingRound.raised_on.desc(), FundingRound.id.desc())
        )
    )


def _validate(data: RoundData, today: date) -> None:
    if data.raised_on is None:
        raise FundraisingError(_("Enter the date of the round."), field="raised_on")
    if data.raised_on > today:
        raise FundraisingError(_("The date cannot be in the future."), field="raised_on")
    if data.raised_on < EARLIEST_ROUND:
        raise FundraisingError(
            _("Enter a date from %(year)d on.", year=EARLIEST_ROUND.year), field="raised_on"
        )
    if data.amount_eur is None or data.amount_eur <= 0:
        raise FundraisingError(_("Enter the amount raised, in euros."), field="amount_eur")
    if data.amount_eur > AMOUNT_MAX:
        raise FundraisingError(
            _("Enter an amount in euros of at most %(max)s.", max=format_decimal(AMOUNT_MAX)),
            field="amount_eur",
        )
    if data.kind not in {kind.value for kind in RoundKind}:
        raise FundraisingError(_("Choose the kind of round."), field="kind")
    if len(data.investors or "") > INVESTORS_MAX:
        raise FundraisingError(
            _("At most %(max)d characters.", max=INVESTORS_MAX), field="investors"
        )


def declare_round(
    organisation: Organisation, data: RoundData, *, by: User, today: date | None = None
) -> FundingRound:
    """Record a round; raises :class:`FundraisingError` and writes nothing when refused."""
    if not can_declare(by, organisation):
        raise FundraisingError(
            _("Only the startup's members and the organisers declare its rounds."), status=403
        )
    _validate(data, today or date.today())
    funding_round = FundingRound(
        organisation_id=organisation.id,
        raised_on=data.raised_on,
        amount_eur=int(data.amount_eur),
        kind=data.kind,
        investors=" ".join((data.investors or "").split()),
        declared_by_id=by.id,
    )
    db.session.add(funding_round)
    db.session.commit()
    return funding_round


def remove_round(organisation: Organisation, round_id: int, *, by: User) -> None:
    """Take back a round declared by mistake."""
    if not can_declare(by, organisation):
        raise FundraisingError(
            _("Only the startup's members and the organisers declare its rounds."), status=403
        )
    funding_round = db.session.get(FundingRound, round_id)
    if funding_round is None or funding_round.organisation_id != organisation.id:
        raise FundraisingError(_("This round does not exist."), status=404)
    db.session.delete(funding_round)
    db.session.commit()
