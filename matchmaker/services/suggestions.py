"""Reading stored suggestions: for a member, for an organisation, cluster-wide for organisers;
their reasons in the reader's language; organisers' vetoes; what a member hid.

Stored lists are filtered again when read, so that what changed since they were computed shows
at once: people who withdrew their consent (or whom the reader may not see), pairs that got
connected or vetoed, and what the reader hid ("not for me").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import selectinload

from matchmaker.domain import HIDE_REASON_LABELS, HideReason, Sector
from matchmaker.extensions import db
from matchmaker.matching import CHANNELS, HISTORY_PEER_CHANNELS
from matchmaker.models import (
    Connection,
    HiddenSuggestion,
    Organisation,
    OrganisationFocusArea,
    PartyKind,
    Person,
    Suggestion,
    User,
    Veto,
    ordered_pair,
    utcnow,
)
from matchmaker.paging import PreparedPagination
from matchmaker.services import committed
from matchmaker.services.concepts import concept_labels
from matchmaker.services.errors import Forbidden, InvalidInput, NotFound
from matchmaker.services.matching import (
    ORGANISATION,
    PERSON,
    Party,
    forget_pair,
    matchable_people_clause,
    parse_party_key,
)
from matchmaker.services.matching_changes import mark_changed
from matchmaker.services.matching_weights import CHANNEL_PHRASES
from matchmaker.services.people import visible_people_clause
from matchmaker.templating import label_of

REASON_ITEMS = 3
REASON_LINES = 3
VETO_REASON_MAX = 1000
EXPORT_MAX_ROWS = 50_000

# What a channel means: to the member reading their own suggestions, CHANNEL_PHRASES; in the
# organisers' list of pairs, these, written from the side the reasons were computed for (the
# private side when both ways were computed).
PAIR_PHRASES = {
    ("expertise", Sector.PRIVATE): _l("Shared expertise"),
    ("expertise", Sector.PUBLIC): _l("Shared expertise"),
    ("offer_to_need", Sector.PRIVATE): _l("The public side offers what the private side looks for"),
    ("offer_to_need", Sector.PUBLIC): _l("The private side offers what the public side looks for"),
    ("need_to_offer", Sector.PRIVATE): _l("The public side looks for what the private side offers"),
    ("need_to_offer", Sector.PUBLIC): _l("The private side looks for what the public side offers"),
    ("similar_partners", Sector.PRIVATE): _l(
        "The public side is close to the private side's past partners"
    ),
    ("similar_partners", Sector.PUBLIC): _l(
        "The private side is close to the public side's past partners"
    ),
    ("peer_partners", Sector.PRIVATE): _l(
        "The public side's past partners are close to the private side"
    ),
    ("peer_partners", Sector.PUBLIC): _l(
        "The private side's past partners are close to the public side"
    ),
    ("network", Sector.PRIVATE): _l(
        "Companies that share partners with the private side worked with the public side"
    ),
    ("network", Sector.PUBLIC): _l(
        "Public organisations that share partners with the public side worked with the private side"
    ),
}


# -- reasons --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonLine:
    channel: str
    text: str
    items: tuple[str, ...] = ()


def _reason_organisation_ids(reasons_lists: Iterable[list]) -> set[int]:
    ids = set()
    for reasons in reasons_lists:
        for reason in reasons or ():
            term = str(reason.get("term") or "")
            if reason.get("channel") in HISTORY_PEER_CHANNELS and term.startswith("o:"):
                try:
                    ids.add(parse_party_key(term)[1])
                except (KeyError, ValueError):
                    continue
    return ids


@dataclass
class ReasonContext:
    """What rendering needs, loaded once for many suggestions: labels and organisation names."""

    lang: str
    labels: dict[str, str]
    organisation_names: dict[int, str]

    @classmethod
    def for_reasons(cls, reasons_lists: list[list], lang: str) -> ReasonContext:
        concepts = {r.get("concept") for reasons in reasons_lists for r in reasons or ()}
        ids = _reason_organisation_ids(reasons_lists)
        names = (
            dict(
                db.session.execute(
                    select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
                ).all()
            )
            if ids
            else {}
        )
        return cls(lang, concept_labels(concepts, lang), names)

    def item(self, reason: dict) -> str | None:
        channel = reason.get("channel")
        term = str(reason.get("term") or "").strip()
        if channel in HISTORY_PEER_CHANNELS:
            try:
                return self.organisation_names.get(parse_party_key(term)[1])
            except (KeyError, ValueError):
                return None
        concept = reason.get("concept")
        if concept and concept in self.labels:
            return self.labels[concept]
        return term or None


def _new_words(concepts: list[str], words: list[str]) -> list[str]:
    """Plain words that add something: not part of a concept or word already said
    ("nuclear medicine department" beside "nuclear medicine", then "department")."""
    seen = [item.lower() for item in concepts if item]
    kept = []
    for word in words:
        folded = word.lower()
        if not any(folded in other or other in folded for other in seen):
            kept.append(word)
        seen.append(folded)
    return kept


def _lines(reasons: list[dict], context: ReasonContext, phrase) -> list[ReasonLine]:
    """Up to three channels, strongest first (the track record last: it says least about the
    pair), each with up to three items; named concepts before plain words, which are noisier."""
    totals: dict[str, float] = defaultdict(float)
    concepts: dict[str, list[str]] = defaultdict(list)
    words: dict[str, list[str]] = defaultdict(list)
    written: dict[str, list[str]] = defaultdict(list)
    count = 0
    for reason in reasons or ():
        channel = reason.get("channel")
        if channel not in CHANNELS:
            continue
        try:
            weight = float(reason.get("weight") or 0.0)
        except (TypeError, ValueError):
            continue
        if not math.isfinite(weight):
            continue
        totals[channel] += weight
        if channel == "track_record":
            term = str(reason.get("term") or "")
            count = int(term) if term.isdigit() else count
            continue
        item = context.item(reason)
        if not item:
            continue
        bucket = concepts if reason.get("concept") else words
        if item.lower() not in {i.lower() for i in bucket[channel]}:
            bucket[channel].append(item)
        if reason.get("concept"):
            # As written, in whatever language: the words that say the same are not repeated.
            written[channel].append(str(reason.get("term") or ""))
    lines = []
    ordered = sorted(totals, key=lambda c: (c == "track_record", -totals[c]))
    for channel in ordered[:REASON_LINES]:
        if channel == "track_record":
            if count:
                lines.append(ReasonLine(channel, phrase(channel, count=count)))
            continue
        said = concepts[channel] + written[channel]
        shown = tuple((concepts[channel] + _new_words(said, words[channel]))[:REASON_ITEMS])
        label = phrase(channel)
        text = _("%(label)s: %(items)s", label=label, items=", ".join(shown)) if shown else label
        lines.append(ReasonLine(channel, text, shown))
    return lines


def render_reasons(
    reasons: list[dict], lang: str, context: ReasonContext | None = None
) -> list[ReasonLine]:
    """Reasons as sentences for the person they were computed for, in ``lang``."""
    context = context or ReasonContext.for_reasons([reasons], lang)

    def phrase(channel: str, count: int = 0) -> str:
        if channel == "track_record":
            return ngettext(
                "Has worked with %(num)d known partner",
                "Has worked with %(num)d known partners",
                count,
            )
        return str(CHANNEL_PHRASES[channel])

    with force_locale(lang):
        return _lines(reasons, context, phrase)


def render_pair_reasons(
    reasons: list[dict], source_sector: str, lang: str, context: ReasonContext | None = None
) -> list[ReasonLine]:
    """Reasons of a pair for organisers, said from the side they were computed for."""
    context = context or ReasonContext.for_reasons([reasons], lang)
    sector = Sector(source_sector)

    def phrase(channel: str, count: int = 0) -> str:
        if channel == "track_record":
            if sector == Sector.PRIVATE:
                return ngettext(
                    "The public side has worked with %(num)d known partner",
                    "The public side has worked with %(num)d known partners",
                    count,
                )
            return ngettext(
                "The private side has worked with %(num)d known partner",
                "The private side has worked with %(num)d known partners",
                count,
            )
        return str(PAIR_PHRASES[(channel, sector)])

    with force_locale(lang):
        return _lines(reasons, context, phrase)


def reason_terms(reasons: list[dict], lang: str, limit: int = 3) -> list[str]:
    """The concepts and terms behind a suggestion, strongest first, in ``lang`` (for mail)."""
    context = ReasonContext.for_reasons([reasons], lang)
    terms: list[str] = []
    for reason in sorted(reasons or [], key=lambda r: -float(r.get("weight") or 0)):
        if reason.get("channel") == "track_record":
            continue
        item = context.item(reason)
        if item and item.lower() not in {t.lower() for t in terms}:
            terms.append(item)
        if len(terms) == limit:
            break
    return terms


def _lang(lang: str | None) -> str:
    return lang or str(get_locale() or "en")


# -- what a member or an organisation sees ---------------------------------------------------------


@dataclass
class SuggestedParty:
    kind: str
    id: int
    name: str
    score: float
    rank: int
    reasons: list[ReasonLine]
    first_seen_at: datetime
    person: Person | None = None
    organisation: Organisation | None = None
    # On an organisation's page, people are suggested to one of its members: this one.
    suggested_to: Person | None = None

    @property
    def sector(self) -> str | None:
        organisation = self.organisation
        return organisation.sector if organisation is not None else None


def _blocked_with(party: Party) -> set[Party]:
    """Parties connected to ``party`` or vetoed with it (any connection, active vetoes)."""
    kind, party_id = party
    blocked: set[Party] = set()
    for model, extra in ((Connection, ()), (Veto, (Veto.removed_at.is_(None),))):
        rows = db.session.execute(
            select(model.a_kind, model.a_id, model.b_kind, model.b_id).where(
                or_(
                    and_(model.a_kind == kind, model.a_id == party_id),
                    and_(model.b_kind == kind, model.b_id == party_id),
                ),
                *extra,
            )
        ).all()
        for a_kind, a_id, b_kind, b_id in rows:
            blocked.add((b_kind, b_id) if (a_kind, a_id) == party else (a_kind, a_id))
    return blocked


def _visible_candidates(
    rows: list[Suggestion], viewer
) -> tuple[dict[int, Person], dict[int, Organisation]]:
    person_ids = {r.candidate_id for r in rows if r.candidate_kind == PERSON}
    organisation_ids = {r.candidate_id for r in rows if r.candidate_kind == ORGANISATION}
    people: dict[int, Person] = {}
    if person_ids:
        statement = (
            select(Person)
            .join(Person.user)
            .where(Person.id.in_(person_ids), matchable_people_clause())
            .options(selectinload(Person.organisation), selectinload(Person.tags))
        )
        if viewer is not None:
            statement = statement.where(visible_people_clause(viewer))
        people = {person.id: person for person in db.session.scalars(statement)}
    organisations = {}
    if organisation_ids:
        organisations = {
            o.id: o
            for o in db.session.scalars(
                select(Organisation)
                .where(Organisation.id.in_(organisation_ids))
                .options(
                    selectinload(Organisation.tags), selectinload(Organisation.focus_area_links)
                )
            )
        }
    return people, organisations


def _is_matchable(kind: str, party_id: int) -> bool:
    if kind == ORGANISATION:
        return db.session.get(Organisation, party_id) is not None
    return (
        db.session.scalar(
            select(Person.id)
            .join(Person.user)
            .where(Person.id == party_id, matchable_people_clause())
        )
        is not None
    )


def _present(
    rows: list[Suggestion], viewer, limit: int, lang: str, blocked_of=None
) -> list[SuggestedParty]:
    people, organisations = _visible_candidates(rows, viewer)
    context = ReasonContext.for_reasons([r.reasons for r in rows], lang)
    out: list[SuggestedParty] = []
    seen: set[Party] = set()
    for row in rows:
        candidate = (row.candidate_kind, row.candidate_id)
        if candidate in seen or (blocked_of is not None and candidate in blocked_of(row)):
            continue
        if row.candidate_kind == PERSON:
            person = people.get(row.candidate_id)
            if person is None:
                continue
            name, organisation = person.full_name, person.organisation
        else:
            organisation = organisations.get(row.candidate_id)
            if organisation is None:
                continue
            person, name = None, organisation.name
        seen.add(candidate)
        out.append(
            SuggestedParty(
                kind=row.candidate_kind,
                id=row.candidate_id,
                name=name,
                score=row.score,
                rank=len(out) + 1,
                reasons=render_reasons(row.reasons, lang, context),
                first_seen_at=row.first_seen_at,
                person=person,
                organisation=organisation,
            )
        )
        if len(out) == limit:
            break
    return out


def suggestions_for(
    kind: str, party_id: int, *, viewer=None, limit: int = 10, lang: str | None = None
) -> list[SuggestedParty]:
    """The stored suggestions of a person or an organisation, best first, ready to show.

    ``viewer`` (a User) limits people to those the viewer may see; None shows all (mail, CLI).
    Reasons are in ``lang`` (default: the current locale).
    """
    if not _is_matchable(kind, party_id):
        return []
    rows = list(
        db.session.scalars(
            select(Suggestion)
            .where(Suggestion.source_kind == kind, Suggestion.source_id == party_id)
            .order_by(Suggestion.rank, Suggestion.id)
        )
    )
    blocked = _blocked_with((kind, party_id)) | _hidden_by(viewer)
    return _present(rows, viewer, limit, _lang(lang), lambda _row: blocked)


def people_suggested_to_members(
    organisation: Organisation, *, viewer=None, limit: int = 10, lang: str | None = None
) -> list[SuggestedParty]:
    """People suggested to the organisation's members, best score first, each once."""
    member_ids = list(
        db.session.scalars(
            select(Person.id)
            .join(Person.user)
            .where(Person.organisation_id == organisation.id, matchable_people_clause())
        )
    )
    if not member_ids:
        return []
    rows = list(
        db.session.scalars(
            select(Suggestion)
            .where(Suggestion.source_kind == PERSON, Suggestion.source_id.in_(member_ids))
            .order_by(Suggestion.score.desc(), Suggestion.id)
            .limit(limit * 10)
        )
    )
    hidden = _hidden_by(viewer)
    blocked = {
        member_id: _blocked_with((PERSON, member_id)) | hidden for member_id in member_ids
    }
    found = _present(rows, viewer, limit, _lang(lang), lambda row: blocked[row.source_id])
    # Which member each one was suggested to (the best-scoring of them).
    members = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(member_ids)))}
    best_source: dict[Party, int] = {}
    for row in rows:
        best_source.setdefault((row.candidate_kind, row.candidate_id), row.source_id)
    for suggested in found:
        suggested.suggested_to = members.get(best_source.get((suggested.kind, suggested.id)))
    return found


# -- "not for me" ----------------------------------------------------------------------------------


def _hidden_by(viewer) -> set[Party]:
    """The parties the viewing member hid (none for organisers' tools, mail and the CLI)."""
    person = getattr(viewer, "person", None) if viewer is not None else None
    if person is None:
        return set()
    return {
        (kind, candidate_id)
        for kind, candidate_id in db.session.execute(
            select(HiddenSuggestion.candidate_kind, HiddenSuggestion.candidate_id).where(
                HiddenSuggestion.person_id == person.id
            )
        )
    }


def not_hidden_by(person_id: int):
    """SQL: the suggestion's candidate is not one the person hid (for queries on Suggestion)."""
    return ~exists().where(
        HiddenSuggestion.person_id == person_id,
        HiddenSuggestion.candidate_kind == Suggestion.candidate_kind,
        HiddenSuggestion.candidate_id == Suggestion.candidate_id,
    )


def _member(user) -> Person:
    person = getattr(user, "person", None) if user is not None else None
    if person is None:
        raise Forbidden(_("Only members with a profile get suggestions."))
    return person


def _hidden_row(person: Person, kind: str, candidate_id: int) -> HiddenSuggestion | None:
    return db.session.scalar(
        select(HiddenSuggestion).where(
            HiddenSuggestion.person_id == person.id,
            HiddenSuggestion.candidate_kind == kind,
            HiddenSuggestion.candidate_id == candidate_id,
        )
    )


def hide_suggestion(user, kind: str, candidate_id: int, reason: str) -> str:
    """The member no longer sees this person or organisation among their suggestions (nor
    their organisation's). Hiding again only changes the reason. Returns the name hidden."""
    person = _member(user)
    if reason not in set(HideReason):
        raise InvalidInput(_("Choose why you hide this suggestion."), field="reason")
    side = _sides({(kind, candidate_id)}).get((kind, candidate_id))
    if side is None:
        raise NotFound(_("This person or organisation does not exist."))
    name = side.name

    def work() -> str:
        row = _hidden_row(person, kind, candidate_id)
        if row is None:
            row = HiddenSuggestion(
                person_id=person.id, candidate_kind=kind, candidate_id=candidate_id
            )
            db.session.add(row)
        row.reason = reason
        row.created_at = utcnow()
        return name

    return committed(work)


def show_again(user, kind: str, candidate_id: int) -> str:
    """Undo :func:`hide_suggestion`. Returns the name shown again."""
    person = _member(user)
    row = _hidden_row(person, kind, candidate_id)
    if row is None:
        raise NotFound(_("You did not hide this suggestion."))
    side = _sides({(kind, candidate_id)}).get((kind, candidate_id))
    name = side.name if side is not None else ""

    def work() -> str:
        db.session.delete(row)
        return name

    return committed(work)


@dataclass(frozen=True)
class HiddenItem:
    kind: str
    id: int
    name: str
    reason_label: str
    hidden_at: datetime


def hidden_suggestions(user) -> list[HiddenItem]:
    """What the member hid, most recent first, with names (parties since deleted left out)."""
    person = _member(user)
    rows = db.session.scalars(
        select(HiddenSuggestion)
        .where(HiddenSuggestion.person_id == person.id)
        .order_by(HiddenSuggestion.created_at.desc(), HiddenSuggestion.id.desc())
    ).all()
    sides = _sides({(row.candidate_kind, row.candidate_id) for row in rows})
    return [
        HiddenItem(
            row.candidate_kind,
            row.candidate_id,
            side.name,
            label_of(HIDE_REASON_LABELS, row.reason),
            row.created_at,
        )
        for row in rows
        if (side := sides.get((row.candidate_kind, row.candidate_id))) is not None
    ]


@dataclass(frozen=True)
class HiddenCount:
    reason_label: str
    count: int


def hidden_counts(days: int = 90, now: datetime | None = None) -> list[HiddenCount]:
    """How many suggestions members hid in the last ``days``, per reason (the organisers'
    view of how the suggestions land; "already in touch" are pairs they may not know of)."""
    since = (now or utcnow()) - timedelta(days=days)
    counts = dict(
        db.session.execute(
            select(HiddenSuggestion.reason, func.count())
            .where(HiddenSuggestion.created_at >= since)
            .group_by(HiddenSuggestion.reason)
        ).all()
    )
    return [
        HiddenCount(str(label), int(counts.get(reason.value, 0)))
        for reason, label in HIDE_REASON_LABELS.items()
    ]


@dataclass
class HomeSuggestions:
    people: list[SuggestedParty] = field(default_factory=list)
    organisations: list[SuggestedParty] = field(default_factory=list)
    # Why there is nothing: "no_profile", "no_consent", "no_organisation", or "" when shown.
    missing: str = ""


def home_suggestions(user, limit: int = 6) -> HomeSuggestions:
    """ "Suggested for you" on a member's home page: people for them, organisations for theirs."""
    person = user.person if user is not None else None
    if person is None:
        return HomeSuggestions(missing="no_profile")
    if not person.consent_matching:
        return HomeSuggestions(missing="no_consent")
    if person.organisation_id is None:
        return HomeSuggestions(missing="no_organisation")
    return HomeSuggestions(
        people=suggestions_for(PERSON, person.id, viewer=user, limit=limit),
        organisations=suggestions_for(
            ORGANISATION, person.organisation_id, viewer=user, limit=limit
        ),
    )


# -- the organisers' list of pairs ------------------------------------------------------------


@dataclass(frozen=True)
class PairFilters:
    focus_area: str = ""
    region: str = ""
    kind: str = ""  # an organisation kind, on either side
    party: str = ""  # "person" | "organisation" | "" (both)


@dataclass
class PairSide:
    kind: str
    id: int
    name: str
    organisation: Organisation | None
    person: Person | None = None


@dataclass
class PairRow:
    kind: str
    private: PairSide
    public: PairSide
    score: float
    reasons: list[ReasonLine]


def _filtered_organisations(filters: PairFilters):
    statement = select(Organisation.id)
    if filters.region:
        statement = statement.where(Organisation.region == filters.region)
    if filters.kind:
        statement = statement.where(Organisation.kind == filters.kind)
    if filters.focus_area:
        statement = statement.where(
            exists().where(
                OrganisationFocusArea.organisation_id == Organisation.id,
                OrganisationFocusArea.focus_area == filters.focus_area,
            )
        )
    return statement


def _side_in(kind_column, id_column, organisations, people):
    return or_(
        and_(kind_column == ORGANISATION, id_column.in_(organisations)),
        and_(kind_column == PERSON, id_column.in_(people)),
    )


def _pairs_statement(filters: PairFilters):
    """One row per unordered pair not connected nor vetoed: (kind, low id, high id, best score)."""
    s = Suggestion
    low = case((s.source_id < s.candidate_id, s.source_id), else_=s.candidate_id)
    high = case((s.source_id < s.candidate_id, s.candidate_id), else_=s.source_id)
    matchable = select(Person.id).join(Person.user).where(matchable_people_clause())
    conditions = [
        s.source_kind == s.candidate_kind,
        or_(
            s.source_kind != PERSON, and_(s.source_id.in_(matchable), s.candidate_id.in_(matchable))
        ),
    ]
    if filters.party:
        conditions.append(s.source_kind == filters.party)
    if filters.region or filters.kind or filters.focus_area:
        organisations = _filtered_organisations(filters)
        people = select(Person.id).where(Person.organisation_id.in_(organisations))
        conditions.append(
            or_(
                _side_in(s.source_kind, s.source_id, organisations, people),
                _side_in(s.candidate_kind, s.candidate_id, organisations, people),
            )
        )
    grouped = (
        select(
            s.source_kind.label("kind"),
            low.label("low"),
            high.label("high"),
            func.max(s.score).label("score"),
        )
        .where(*conditions)
        .group_by(s.source_kind, low, high)
        .subquery()
    )
    connected = exists().where(
        Connection.a_kind == grouped.c.kind,
        Connection.a_id == grouped.c.low,
        Connection.b_kind == grouped.c.kind,
        Connection.b_id == grouped.c.high,
    )
    vetoed = exists().where(
        Veto.a_kind == grouped.c.kind,
        Veto.a_id == grouped.c.low,
        Veto.b_kind == grouped.c.kind,
        Veto.b_id == grouped.c.high,
        Veto.removed_at.is_(None),
    )
    return select(grouped).where(~connected, ~vetoed)


def _sides(keys: set[Party]) -> dict[Party, PairSide]:
    organisation_ids = {i for kind, i in keys if kind == ORGANISATION}
    person_ids = {i for kind, i in keys if kind == PERSON}
    people = (
        {
            p.id: p
            for p in db.session.scalars(
                select(Person)
                .where(Person.id.in_(person_ids))
                .options(selectinload(Person.organisation))
            )
        }
        if person_ids
        else {}
    )
    organisation_ids |= {p.organisation_id for p in people.values() if p.organisation_id}
    organisations = (
        {
            o.id: o
            for o in db.session.scalars(
                select(Organisation).where(Organisation.id.in_(organisation_ids))
            )
        }
        if organisation_ids
        else {}
    )
    sides = {}
    for kind, i in keys:
        if kind == PERSON and i in people:
            person = people[i]
            sides[(kind, i)] = PairSide(kind, i, person.full_name, person.organisation, person)
        elif kind == ORGANISATION and i in organisations:
            sides[(kind, i)] = PairSide(kind, i, organisations[i].name, organisations[i])
    return sides


def _pair_rows(grouped_rows, lang: str) -> list[PairRow]:
    if not grouped_rows:
        return []
    conditions = []
    for kind, low, high, _score in grouped_rows:
        conditions.append(
            and_(
                Suggestion.source_kind == kind,
                Suggestion.source_id.in_((low, high)),
                Suggestion.candidate_id.in_((low, high)),
            )
        )
    stored: dict[tuple, list[Suggestion]] = defaultdict(list)
    for chunk_start in range(0, len(conditions), 200):
        for row in db.session.scalars(
            select(Suggestion).where(or_(*conditions[chunk_start : chunk_start + 200]))
        ):
            pair = (
                row.source_kind,
                min(row.source_id, row.candidate_id),
                max(row.source_id, row.candidate_id),
            )
            stored[pair].append(row)
    sides = _sides({(kind, i) for kind, low, high, _ in grouped_rows for i in (low, high)})
    context = ReasonContext.for_reasons([r.reasons for rows in stored.values() for r in rows], lang)
    out = []
    for kind, low, high, score in grouped_rows:
        a, b = sides.get((kind, low)), sides.get((kind, high))
        if a is None or b is None or a.organisation is None or b.organisation is None:
            continue
        private, public = (a, b) if a.organisation.sector == Sector.PRIVATE else (b, a)
        rows = stored.get((kind, low, high), [])
        # The reasons of the private side's list when both ways were computed.
        chosen = next((r for r in rows if r.source_id == private.id), rows[0] if rows else None)
        source_sector = (
            Sector.PRIVATE if chosen is None or chosen.source_id == private.id else Sector.PUBLIC
        )
        reasons = (
            render_pair_reasons(chosen.reasons, source_sector, lang, context) if chosen else []
        )
        out.append(PairRow(kind, private, public, float(score), reasons))
    return out


def cluster_pairs(
    filters: PairFilters, *, page: int = 1, per_page: int = 50, lang: str | None = None
) -> PreparedPagination:
    """The strongest private–public pairs of the cluster not connected yet, for organisers."""
    statement = _pairs_statement(filters).subquery()
    total = db.session.scalar(select(func.count()).select_from(statement)) or 0
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    rows = db.session.execute(
        select(statement)
        .order_by(statement.c.score.desc(), statement.c.kind, statement.c.low, statement.c.high)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return PreparedPagination(_pair_rows(rows, _lang(lang)), total, page, per_page)


def cluster_pairs_for_export(filters: PairFilters, lang: str | None = None) -> list[PairRow]:
    statement = _pairs_statement(filters).subquery()
    rows = db.session.execute(
        select(statement)
        .order_by(statement.c.score.desc(), statement.c.kind, statement.c.low, statement.c.high)
        .limit(EXPORT_MAX_ROWS)
    ).all()
    return _pair_rows(rows, _lang(lang))


# -- vetoes ------------------------------------------------------------------------------------


class VetoError(ValueError):
    def __init__(self, message: str, field_name: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field_name


def _party_exists(kind: str, party_id: int) -> bool:
    model = {PERSON: Person, ORGANISATION: Organisation}.get(kind)
    return model is not None and db.session.get(model, party_id) is not None


def active_veto(a: Party, b: Party) -> Veto | None:
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(a, b)
    return db.session.scalar(
        select(Veto).where(
            Veto.a_kind == a_kind,
            Veto.a_id == a_id,
            Veto.b_kind == b_kind,
            Veto.b_id == b_id,
            Veto.removed_at.is_(None),
        )
    )


def veto_pair(a: Party, b: Party, reason: str, *, by: User) -> Veto:
    """An organiser's "never suggest this pair": gone from every list at once. One commit."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise VetoError(_("Say why, for the record."), "reason")
    if len(reason) > VETO_REASON_MAX:
        raise VetoError(_("At most %(max)d characters.", max=VETO_REASON_MAX), "reason")
    if a == b or not _party_exists(*a) or not _party_exists(*b):
        raise VetoError(_("This pair does not exist (any more)."))
    if active_veto(a, b) is not None:
        raise VetoError(_("This pair is already vetoed."))
    (a_kind, a_id), (b_kind, b_id) = ordered_pair(a, b)
    veto = Veto(
        a_kind=a_kind, a_id=a_id, b_kind=b_kind, b_id=b_id, reason=reason, created_by_id=by.id
    )
    db.session.add(veto)
    forget_pair(a, b)
    # Their lists lost one candidate: the refresh fills them up again.
    for kind, party_id in (a, b):
        mark_changed(kind, [party_id])
    db.session.commit()
    return veto


def lift_veto(veto_id: int, *, by: User) -> Veto:
    """The pair may be suggested again (from the next refresh); the record stays. One commit."""
    veto = db.session.get(Veto, veto_id)
    if veto is None or veto.removed_at is not None:
        raise VetoError(_("This veto does not exist or was already lifted."))
    veto.removed_at = utcnow()
    veto.removed_by_id = by.id
    mark_changed(veto.a_kind, [veto.a_id])
    mark_changed(veto.b_kind, [veto.b_id])
    db.session.commit()
    return veto


@dataclass
class VetoRow:
    veto: Veto
    a: PairSide | None
    b: PairSide | None
    created_by: User | None
    removed_by: User | None


def veto_list() -> list[VetoRow]:
    """Every veto, in force first, newest first, with the parties and who decided."""
    vetoes = list(
        db.session.scalars(
            select(Veto).order_by(
                Veto.removed_at.is_not(None), Veto.created_at.desc(), Veto.id.desc()
            )
        )
    )
    sides = _sides({(v.a_kind, v.a_id) for v in vetoes} | {(v.b_kind, v.b_id) for v in vetoes})
    user_ids = {v.created_by_id for v in vetoes} | {v.removed_by_id for v in vetoes}
    user_ids.discard(None)
    users = (
        {
            u.id: u
            for u in db.session.scalars(
                select(User).where(User.id.in_(user_ids)).options(selectinload(User.person))
            )
        }
        if user_ids
        else {}
    )
    return [
        VetoRow(
            v,
            sides.get((v.a_kind, v.a_id)),
            sides.get((v.b_kind, v.b_id)),
            users.get(v.created_by_id),
            users.get(v.removed_by_id),
        )
        for v in vetoes
    ]


def parse_party(kind: str, party_id) -> Party | None:
    """A party from form values, or None when they do not name one."""
    try:
        number = int(party_id)
    except (TypeError, ValueError):
        return None
    if kind not in (PartyKind.PERSON.value, PartyKind.ORGANISATION.value) or number <= 0:
        return None
    return kind, number


# -- export of every organisation's list (machine columns) -----------------------------------

EXPORT_COLUMNS = (
    "source_id",
    "source_external_id",
    "candidate_id",
    "candidate_external_id",
    "rank",
    "score",
    "reasons",
)


def reasons_text(reasons: list[dict], context: ReasonContext) -> str:
    """Reasons in one cell: ``channel: item, item | channel: item`` (track_record: a count)."""
    totals: dict[str, float] = defaultdict(float)
    items: dict[str, list[str]] = defaultdict(list)
    for reason in reasons or ():
        channel = str(reason.get("channel") or "")
        totals[channel] += float(reason.get("weight") or 0.0)
        item = str(reason.get("term") or "") if channel == "track_record" else context.item(reason)
        if item and item not in items[channel]:
            items[channel].append(item)
    return " | ".join(
        f"{channel}: {', '.join(items[channel])}" if items[channel] else channel
        for channel in sorted(totals, key=lambda c: -totals[c])
    )


def _export_context(lang: str) -> ReasonContext:
    from matchmaker.services.concepts import matching_vocabulary

    vocabulary = matching_vocabulary()
    labels = {key: vocabulary.label(key, lang) for key in vocabulary.concepts}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name)).all())
    return ReasonContext(lang, labels, names)


def export_organisation_suggestions(top: int, *, lang: str = "en", progress=None) -> list[tuple]:
    """Every organisation's top ``top`` suggestions, both directions, one row per suggestion.

    Read from the stored lists when they are deep enough, else computed from the fitted index.
    Raises :class:`~matchmaker.services.matching.MatchingNotReady` before the first rebuild.
    """
    from matchmaker.services import matching

    if matching.latest_run() is None:
        raise matching.MatchingNotReady(_("No rebuild has run yet: run “matching rebuild” first."))
    external = dict(db.session.execute(select(Organisation.id, Organisation.external_id)).all())
    context = _export_context(lang)
    out: list[tuple] = []

    def add(source_id: int, ranked: list[tuple[int, float, list]]) -> None:
        for rank, (candidate_id, score, reasons) in enumerate(ranked[:top], start=1):
            out.append(
                (
                    source_id,
                    external.get(source_id) or "",
                    candidate_id,
                    external.get(candidate_id) or "",
                    rank,
                    f"{score:.6f}",
                    reasons_text(reasons, context),
                )
            )

    if top <= matching.depth():
        exclusions = matching.exclusion_pairs()
        by_source: dict[int, list[tuple[int, float, list]]] = defaultdict(list)
        for row in db.session.execute(
            select(
                Suggestion.source_id, Suggestion.candidate_id, Suggestion.score, Suggestion.reasons
            )
            .where(
                Suggestion.source_kind == ORGANISATION, Suggestion.candidate_kind == ORGANISATION
            )
            .order_by(Suggestion.source_id, Suggestion.rank)
        ):
            pair = frozenset((f"o:{row.source_id}", f"o:{row.candidate_id}"))
            if pair not in exclusions and row.candidate_id in external:
                by_source[row.source_id].append((row.candidate_id, row.score, row.reasons))
        for source_id in sorted(by_source):
            if source_id in external:
                add(source_id, by_source[source_id])
        return out
    for key, found in matching.organisation_rankings_from_index(top, progress):
        source_id = parse_party_key(key)[1]
        add(
            source_id,
            [
                (parse_party_key(s.candidate)[1], float(s.score), matching.reasons_json(s))
                for s in found
            ],
        )
    return out
