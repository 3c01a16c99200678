"""The guest list of an event: generating it, the organiser's adjustments, its mix, its export.

:func:`generate_guest_list` gathers the candidates (members who consented to matching), their
theme relevance and cross-sector pair scores (:mod:`matchmaker.services.event_scores`), their
freshness (past invitations and attendance) and who already knows whom (Connections), hands
them to the pure optimiser :func:`matchmaker.guestlist.generate`, and stores its proposal as
``proposed`` invitations with the score and the reasons. Locked guests, and guests already
invited, stay; excluded people are never proposed again.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, case, delete, func, select, true
from sqlalchemy.orm import selectinload

from matchmaker import guestlist
from matchmaker.domain import CLUSTER_REGIONS, Region, cluster_region
from matchmaker.extensions import db
from matchmaker.models import (
    Connection,
    Event,
    Invitation,
    InvitationSource,
    InvitationState,
    Organisation,
    PartyKind,
    Person,
    User,
    utcnow,
)
from matchmaker.models.events import DRAFT_STATES, LISTED_STATES
from matchmaker.services import event_scores
from matchmaker.services.events import (
    EventError,
    can_manage_events,
    get_event,
    has_ended,
    invitation_of,
    lock_event,
)
from matchmaker.text import search_words

# The regions funders count: the cluster's three, and everywhere else.
REGION_BUCKETS: tuple[str, ...] = (*(r.value for r in CLUSTER_REGIONS), Region.OTHER.value)
DEFAULT_SHOW_UP_RATE = 0.7
# How many invitations' worth of the default rate a learned rate starts from: one small
# event does not swing the estimate.
PRIOR_INVITATIONS = 20
HISTORY_EVENTS = 5
SHOW_UP_RATE_RANGE = (0.2, 1.0)
FRESHNESS_WINDOW = timedelta(days=365)
SIZE_MAX = 5_000
CAP_MAX = 50
SHARE_TOLERANCE = 0.10
CSV_HEADER = (
    "person_id",
    "name",
    "organisation_id",
    "organisation",
    "sector",
    "region",
    "score",
    "reasons",
)


class GuestListError(EventError):
    pass


# --- Sizing ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowUpRate:
    """Expected share of invitees who come, learned from past events of the same kind."""

    rate: float
    events: int  # past events it was learned from
    invited: int
    came: int

    @property
    def learned(self) -> bool:
        return self.events > 0


def expected_show_up_rate(kind: str, before: datetime | None = None) -> ShowUpRate:
    """Came ÷ invited over the last few past events of ``kind`` (walk-ins not counted),
    pulled towards :data:`DEFAULT_SHOW_UP_RATE` while there is little history."""
    before = before or utcnow()
    recent = (
        select(Event.id)
        .where(
            Event.kind == kind,
            Event.ends_at < before,
            Event.ends_at < utcnow(),
            Event.cancelled_at.is_(None),
            Event.id.in_(select(Invitation.event_id).where(Invitation.invited_at.is_not(None))),
        )
        .order_by(Event.starts_at.desc())
        .limit(HISTORY_EVENTS)
    )
    event_ids = list(db.session.scalars(recent))
    invited = came = 0
    if event_ids:
        invited, came = db.session.execute(
            select(
                func.count(),
                func.coalesce(
                    func.sum(case((Invitation.state == InvitationState.CAME.value, 1), else_=0)),
                    0,
                ),
            ).where(
                Invitation.event_id.in_(event_ids),
                Invitation.invited_at.is_not(None),
                Invitation.source != InvitationSource.WALK_IN.value,
            )
        ).one()
    rate = (came + DEFAULT_SHOW_UP_RATE * PRIOR_INVITATIONS) / (invited + PRIOR_INVITATIONS)
    low, high = SHOW_UP_RATE_RANGE
    return ShowUpRate(min(max(rate, low), high), len(event_ids), int(invited), int(came))


def invitations_needed(capacity: int, rate: ShowUpRate) -> int:
    """How many to invite so that about ``capacity`` come."""
    return max(1, math.ceil(capacity / rate.rate - 1e-9))


def suggested_size(event: Event) -> tuple[int, ShowUpRate]:
    rate = expected_show_up_rate(event.kind, before=event.starts_at)
    return invitations_needed(event.capacity, rate), rate


# --- Generating ------------------------------------------------------------------------------


@dataclass
class GuestListOptions:
    size: int | None = None  # None: capacity ÷ expected show-up rate
    per_organisation_cap: int | None = None  # None: the event's
    region_weights: dict[str, float] | None = None  # None: the event's


@dataclass(frozen=True)
class GenerationResult:
    size: int
    proposed: int  # new proposals
    kept: int  # locked or already invited guests kept on the list
    show_up_rate: ShowUpRate
    warnings: list[str] = field(default_factory=list)


def _check_options(options: GuestListOptions) -> None:
    if options.size is not None and not 1 <= options.size <= SIZE_MAX:
        raise GuestListError(
            "size", _("Enter a number of guests between 1 and %(max)d.", max=SIZE_MAX)
        )
    if options.per_organisation_cap is not None and not (
        1 <= options.per_organisation_cap <= CAP_MAX
    ):
        raise GuestListError(
            "per_organisation_cap",
            _("Enter a number between 1 and %(max)d.", max=CAP_MAX),
        )
    if options.region_weights is not None:
        if any(region not in REGION_BUCKETS for region in options.region_weights):
            raise GuestListError("region_weights", _("Choose regions from the list."))
        if any(weight is None or weight < 0 for weight in options.region_weights.values()):
            raise GuestListError("region_weights", _("Region weights cannot be negative."))


def _editable_event(event_id: int) -> Event:
    event = get_event(event_id)
    if event.is_cancelled:
        raise GuestListError(None, _("This event is cancelled."))
    if has_ended(event):
        raise GuestListError(None, _("This event is over: its guest list can no longer change."))
    return event


def _candidate_people(extra_ids: set[int]) -> list[Person]:
    """Members who agreed to be matched, plus the people already on the list."""
    eligible = and_(
        Person.consent_matching.is_(True),
        Person.organisation_id.is_not(None),
        User.confirmed_at.is_not(None),
    )
    condition = eligible if not extra_ids else (eligible | Person.id.in_(sorted(extra_ids)))
    return list(
        db.session.scalars(
            select(Person)
            .join(User, Person.user_id == User.id)
            .where(condition)
            .options(selectinload(Person.organisation))
            .order_by(Person.id)
        )
    )


@dataclass
class _History:
    attended: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    no_shows: Counter = field(default_factory=Counter)


def _history(event: Event) -> _History:
    """Each person's past attendance, and recent invitations they did not come to."""
    now = utcnow()
    history = _History()
    rows = db.session.execute(
        select(Invitation.person_id, Invitation.state, Invitation.invited_at, Event.starts_at)
        .join(Event, Event.id == Invitation.event_id)
        .where(
            Event.id != event.id,
            Event.cancelled_at.is_(None),
            Event.ends_at < now,
            Event.starts_at < event.starts_at,
        )
    ).all()
    recent_since = event.starts_at - FRESHNESS_WINDOW
    for person_id, state, invited_at, starts_at in rows:
        if state == InvitationState.CAME:
            history.attended[person_id] += 1
        elif starts_at >= recent_since and invited_at is not None:
            # A yes never checked in is a no-show, whether or not the follow-up job ran.
            if state in (InvitationState.NO_SHOW, InvitationState.YES):
                history.no_shows[person_id] += 1
            elif state in (InvitationState.INVITED, InvitationState.NO, InvitationState.MAYBE):
                history.missed[person_id] += 1
    return history


def known_pairs(people_ids: set[int]) -> set[tuple[int, int]]:
    """Pairs of these people who already know each other (any Connection between them)."""
    rows = db.session.execute(
        select(Connection.a_id, Connection.b_id).where(
            Connection.a_kind == PartyKind.PERSON.value,
            Connection.b_kind == PartyKind.PERSON.value,
        )
    ).all()
    return {
        (min(a, b), max(a, b)) for a, b in rows if a in people_ids and b in people_ids
    }


def _warning_text(code: str, values: dict, organisations: dict[int, str]) -> str:
    if code == guestlist.NOT_ENOUGH_CANDIDATES:
        return _(
            "Only %(found)d candidates fit the rules: the list is shorter than the %(size)d "
            "asked for.",
            **values,
        )
    if code == guestlist.SHARE_OUT_OF_BAND:
        return _(
            "The private share could not be kept within 10 points of the target (not enough "
            "candidates of one sector, or locked guests)."
        )
    names = ", ".join(organisations.get(o, str(o)) for o in values["organisations"])
    return _("Locked guests put these organisations over the cap: %(names)s.", names=names)


def generate_guest_list(
    event_id: int, options: GuestListOptions | None = None, *, by: User | None = None
) -> GenerationResult:
    """Propose the event's guest list (regenerating keeps locks and invitations). One commit."""
    if by is not None and not can_manage_events(by):
        raise PermissionError("only organisers build guest lists")
    options = options or GuestListOptions()
    _check_options(options)
    _editable_event(event_id)
    # Two organisers regenerating at once take turns rather than collide on the same rows.
    event = lock_event(event_id)
    try:
        result = generate_in_session(event, options)
    except Exception:
        db.session.rollback()
        raise
    db.session.commit()
    return result


def generate_in_session(event: Event, options: GuestListOptions) -> GenerationResult:
    invitations = {
        invitation.person_id: invitation
        for invitation in db.session.scalars(
            select(Invitation).where(Invitation.event_id == event.id)
        )
    }
    fixed = {
        person_id
        for person_id, invitation in invitations.items()
        if invitation.state not in (InvitationState.PROPOSED, InvitationState.EXCLUDED)
    }
    excluded = {
        person_id
        for person_id, invitation in invitations.items()
        if invitation.state == InvitationState.EXCLUDED
    }
    people = [p for p in _candidate_people(fixed) if p.id not in excluded]
    by_id = {person.id: person for person in people}

    rate = expected_show_up_rate(event.kind, before=event.starts_at)
    size = options.size or invitations_needed(event.capacity, rate)
    cap = options.per_organisation_cap or event.per_organisation_cap
    weights = (
        options.region_weights if options.region_weights is not None else event.region_weights
    ) or {}

    history = _history(event)
    candidates = [
        guestlist.Candidate(
            id=person.id,
            sector=person.organisation.sector if person.organisation else "",
            organisation_id=person.organisation_id,
            region=cluster_region(person.organisation.region) if person.organisation else "",
            events_attended=history.attended[person.id],
            recent_invitations_missed=history.missed[person.id],
            recent_no_shows=history.no_shows[person.id],
        )
        for person in people
    ]
    # Guests without an organisation have no sector: they stay, outside the optimisation.
    unsorted_fixed = [pid for pid in fixed if by_id.get(pid) and not by_id[pid].organisation]
    ids = [person.id for person in people]
    relevance = event_scores.theme_relevance(
        ids, event.theme, [tag.label for tag in event.tags], event.focus_areas
    )
    pairs = {
        person_id: [(p.person_id, p.score) for p in scored]
        for person_id, scored in event_scores.pair_scores(ids).items()
    }
    settings = guestlist.Settings(
        size=max(size - len(unsorted_fixed), 0),
        target_private_share=event.private_share,
        share_tolerance=SHARE_TOLERANCE,
        per_organisation_cap=cap,
        region_weights={k: float(v) for k, v in weights.items() if v},
        locked=fixed,
        excluded=excluded,
    )
    proposal = guestlist.generate(
        candidates,
        {person_id: score for person_id, (score, _r) in relevance.items()},
        pairs,
        settings,
        known_pairs=known_pairs(set(ids)),
    )

    chosen = set(proposal.ids)
    db.session.execute(
        delete(Invitation).where(
            Invitation.event_id == event.id,
            Invitation.state == InvitationState.PROPOSED.value,
            Invitation.person_id.not_in(chosen) if chosen else true(),
        )
    )
    proposed = 0
    for guest in proposal.guests:
        invitation = invitations.get(guest.id)
        if invitation is None or invitation.state == InvitationState.EXCLUDED:
            invitation = Invitation(
                event_id=event.id,
                person_id=guest.id,
                state=InvitationState.PROPOSED.value,
                source=InvitationSource.GENERATED.value,
            )
            db.session.add(invitation)
            proposed += 1
        invitation.score = guest.score
        invitation.rank = guest.rank
        invitation.reasons = {
            "relevance": round(guest.relevance, 6),
            "theme": relevance.get(guest.id, (0.0, []))[1],
            "counterparts": [
                {"person_id": c.id, "score": c.score, "known": c.known} for c in guest.counterparts
            ],
            "freshness": guest.freshness,
            "newcomer": guest.newcomer,
            "missed": guest.recent_invitations_missed,
            "no_shows": guest.recent_no_shows,
        }
    event.guest_list_size = size
    event.guest_list_generated_at = utcnow()
    event.per_organisation_cap = cap
    event.region_weights = {k: float(v) for k, v in weights.items() if v}

    organisation_names = dict(
        db.session.execute(select(Organisation.id, Organisation.name)).all()
    )
    return GenerationResult(
        size=size,
        proposed=proposed,
        kept=len(fixed),
        show_up_rate=rate,
        warnings=[
            _warning_text(code, values, organisation_names) for code, values in proposal.warnings
        ],
    )


# --- The organiser's adjustments -------------------------------------------------------------


LOCK, UNLOCK, EXCLUDE, RESTORE = "lock", "unlock", "exclude", "restore"


def adjust_guest(event_id: int, person_id: int, action: str, *, by: User) -> Invitation | None:
    """Lock a proposed guest, unlock them, take someone off the list, or put them back
    (``restore`` forgets the exclusion: the next generation may propose them again)."""
    if not can_manage_events(by):
        raise PermissionError("only organisers change guest lists")
    _editable_event(event_id)
    lock_event(event_id)
    invitation = invitation_of(event_id, person_id)
    if invitation is None:
        db.session.rollback()
        raise GuestListError(None, _("This person is not on the guest list."))
    state = invitation.state
    if action == LOCK and state == InvitationState.PROPOSED:
        invitation.state = InvitationState.LOCKED.value
    elif action == UNLOCK and state == InvitationState.LOCKED:
        invitation.state = InvitationState.PROPOSED.value
        invitation.source = InvitationSource.GENERATED.value
    elif action == EXCLUDE and state in DRAFT_STATES:
        invitation.state = InvitationState.EXCLUDED.value
        invitation.rank = None
    elif action == RESTORE and state == InvitationState.EXCLUDED:
        db.session.delete(invitation)
        invitation = None
    elif state not in DRAFT_STATES and state != InvitationState.EXCLUDED:
        db.session.rollback()
        raise GuestListError(
            None, _("This guest is already invited: their line can no longer be changed.")
        )
    else:
        db.session.rollback()
        raise GuestListError(None, _("This change does not apply to this guest."))
    db.session.commit()
    return invitation


def add_guest(event_id: int, person_id: int, *, by: User) -> Invitation:
    """Put someone on the list by hand: locked, so regenerating keeps them."""
    if not can_manage_events(by):
        raise PermissionError("only organisers change guest lists")
    _editable_event(event_id)
    person = db.session.get(Person, person_id)
    if person is None:
        raise GuestListError(None, _("This person does not exist."))
    lock_event(event_id)
    invitation = invitation_of(event_id, person_id)
    if invitation is not None and invitation.state != InvitationState.EXCLUDED:
        db.session.rollback()
        raise GuestListError(
            None, _("%(name)s is already on the guest list.", name=person.full_name)
        )
    if invitation is None:
        invitation = Invitation(event_id=event_id, person_id=person_id)
        db.session.add(invitation)
    invitation.state = InvitationState.LOCKED.value
    invitation.source = InvitationSource.MANUAL.value
    db.session.commit()
    return invitation


def people_to_add(event: Event, query: str, limit: int = 15) -> list[Person]:
    """Members matching a search (name, organisation, expertise) who are not on the list."""
    words = search_words(query)
    if not words:
        return []
    listed = select(Invitation.person_id).where(
        Invitation.event_id == event.id,
        Invitation.state != InvitationState.EXCLUDED.value,
    )
    statement = (
        select(Person)
        .join(User, Person.user_id == User.id)
        .where(User.confirmed_at.is_not(None), Person.id.not_in(listed))
        .options(selectinload(Person.organisation))
        .order_by(Person.full_name, Person.id)
        .limit(limit)
    )
    for word in words:
        statement = statement.where(Person.search_text.like(f"% {word}%"))
    return list(db.session.scalars(statement))


# --- Reading the list ------------------------------------------------------------------------


@dataclass
class GuestLine:
    invitation: Invitation
    person: Person
    counterparts: list[tuple[Person, bool]]  # best counterparts still on the list, known?

    @property
    def organisation(self) -> Organisation | None:
        return self.person.organisation

    @property
    def sector(self) -> str:
        return self.person.organisation.sector if self.person.organisation else ""

    @property
    def region(self) -> str:
        return cluster_region(self.person.organisation.region) if self.person.organisation else ""


def guest_lines(event: Event, *, excluded: bool = False) -> list[GuestLine]:
    """The list (or the people taken off it), best-ranked first, then by name."""
    states = [InvitationState.EXCLUDED.value] if excluded else [s.value for s in LISTED_STATES]
    invitations = list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.event_id == event.id, Invitation.state.in_(states))
            .options(
                selectinload(Invitation.person).selectinload(Person.organisation),
                selectinload(Invitation.person).selectinload(Person.user),
            )
        )
    )
    people = {invitation.person_id: invitation.person for invitation in invitations}
    lines = []
    for invitation in invitations:
        counterparts = [
            (people[c["person_id"]], bool(c.get("known")))
            for c in (invitation.reasons or {}).get("counterparts", [])
            if c.get("person_id") in people
        ]
        lines.append(GuestLine(invitation, invitation.person, counterparts))
    lines.sort(
        key=lambda line: (
            line.invitation.rank is None,
            line.invitation.rank or 0,
            line.person.full_name.casefold(),
            line.person.id,
        )
    )
    return lines


def why_lines(line: GuestLine, locale: str) -> list[str]:
    """Why this guest is on the list, in sentences for the organiser."""
    reasons = line.invitation.reasons or {}
    texts: list[str] = []
    if line.invitation.source == InvitationSource.MANUAL:
        texts.append(_("Added by hand."))
    elif line.invitation.state == InvitationState.LOCKED:
        texts.append(_("Locked by an organiser."))
    theme = [event_scores.reason_text(r, locale) for r in reasons.get("theme", [])]
    if theme:
        texts.append(_("Theme: %(terms)s.", terms=", ".join(theme)))
    if line.counterparts:
        names = ", ".join(
            person.full_name + (" " + _("(already met)") if known else "")
            for person, known in line.counterparts
        )
        texts.append(_("Best counterparts on the list: %(names)s.", names=names))
    if reasons.get("newcomer"):
        texts.append(_("Newcomer: has not come to an event yet."))
    missed = reasons.get("missed") or 0
    if missed:
        texts.append(
            ngettext(
                "Invited once in the past year without coming.",
                "Invited %(num)d times in the past year without coming.",
                missed,
            )
        )
    no_shows = reasons.get("no_shows") or 0
    if no_shows:
        texts.append(
            ngettext(
                "Said yes once in the past year and did not come.",
                "Said yes %(num)d times in the past year and did not come.",
                no_shows,
            )
        )
    return texts


@dataclass(frozen=True)
class MixRow:
    code: str
    count: int
    share: float
    target: float | None  # target share, when there is one
    within: bool | None  # None: no target to be within


@dataclass(frozen=True)
class GuestListMix:
    total: int
    sectors: list[MixRow]
    regions: list[MixRow]
    organisations: list[tuple[Organisation | None, int, bool]]  # org, guests, over the cap
    cap: int
    band: tuple[float, float]  # private share allowed


def guest_list_mix(event: Event, lines: list[GuestLine]) -> GuestListMix:
    """The list's mix against the targets: sectors, regions, organisations."""
    total = len(lines)
    sectors = Counter(line.sector for line in lines if line.sector)
    regions = Counter(line.region for line in lines if line.region)
    target = event.private_share
    low, high = max(target - SHARE_TOLERANCE, 0.0), min(target + SHARE_TOLERANCE, 1.0)
    private_share = sectors["private"] / total if total else 0.0
    within = low - 1e-9 <= private_share <= high + 1e-9 if total else None
    sector_rows = [
        MixRow("private", sectors["private"], private_share, target, within),
        MixRow(
            "public",
            sectors["public"],
            sectors["public"] / total if total else 0.0,
            1.0 - target,
            within,
        ),
    ]
    weights = {k: v for k, v in (event.region_weights or {}).items() if v}
    weight_total = sum(weights.values())
    region_rows = []
    for region in REGION_BUCKETS:
        share = regions[region] / total if total else 0.0
        goal = weights.get(region, 0.0) / weight_total if weight_total else None
        region_rows.append(
            MixRow(
                region,
                regions[region],
                share,
                goal,
                None if goal is None or not total else abs(share - goal) <= SHARE_TOLERANCE,
            )
        )
    per_organisation = Counter(line.person.organisation_id for line in lines)
    organisations = {line.person.organisation_id: line.organisation for line in lines}
    cap = event.per_organisation_cap
    organisation_rows = sorted(
        (
            (organisations[o], count, o is not None and count > cap)
            for o, count in per_organisation.items()
        ),
        key=lambda row: (-row[1], row[0].name.casefold() if row[0] else ""),
    )
    return GuestListMix(total, sector_rows, region_rows, organisation_rows, cap, (low, high))


def guest_list_csv(event: Event, locale: str) -> tuple[tuple[str, ...], list[list]]:
    """The list as rows of :data:`CSV_HEADER` (the columns scripts and spreadsheets expect)."""
    rows = []
    for line in guest_lines(event):
        organisation = line.organisation
        rows.append(
            [
                line.person.id,
                line.person.full_name,
                organisation.id if organisation else "",
                organisation.name if organisation else "",
                line.sector,
                organisation.region if organisation else "",
                "" if line.invitation.score is None else f"{line.invitation.score:.4f}",
                " ".join(why_lines(line, locale)),
            ]
        )
    return CSV_HEADER, rows
