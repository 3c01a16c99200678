"""The organisers' dashboard: the figures funders judge the cluster on, always current.

Every figure is a query over the records the features keep (organisations, people,
invitations, introductions, funding rounds, suggestions): nothing is counted by hand, and the
counting is done by the database (``GROUP BY``, ``COUNT(*) FILTER``), so that the dashboard
stays fast with 10,000 organisations (``benchmarks/dashboard.py``).

Every figure takes the same :class:`DashboardFilters`: a period of days (Paris time, both ends
included) and optionally a region as the funders count them (one of the cluster's three
regions or "other", :func:`matchmaker.domain.cluster_region`), which applies to the
organisation of each member counted.

Definitions:

* a member organisation or person *joined* when it was registered (``created_at``: sign-up,
  import or creation by an organiser); people are counted once their address is confirmed.
  "Members" figures are the members at the end of the period, "new" those who joined in it;
* events are those that started in the period and were not cancelled
  (:mod:`matchmaker.services.event_figures` defines each figure);
* introductions are the requests made in the period
  (:func:`matchmaker.services.introductions.introduction_figures`); a region keeps the
  requests where either side's organisation is in it;
* projects are the collaborative projects, each counted by the date of its own milestone
  (proposed, labelled, submitted, approved; :mod:`matchmaker.services.project_figures`
  defines each figure); a region keeps the projects whose proposing organisation is in it;
* startups are the organisations flagged "created with the cluster's support", counted in the
  year of their creation date; their funding rounds are those they declared, by round date;
* matching health is today's stored suggestions for the members at the end of the period: a
  *good* suggestion scores at least :data:`GOOD_SUGGESTION_SCORE`, and a member is well served
  with at least :data:`GOOD_SUGGESTIONS_WANTED` of them; a profile is *too thin to match* when
  its texts (expertise or description, offer, looking for) together have fewer than
  :data:`THIN_PROFILE_CHARACTERS` characters, or it has no tag.

A new section is one more figures function here, one field of :class:`DashboardFigures`,
one template block and its tables in ``matchmaker/dashboard``, as the projects have.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, extract, func, literal, or_, select, true

from matchmaker.domain import (
    CLUSTER_REGIONS,
    FUNDER_REGIONS,
    OrganisationKind,
    Region,
    cluster_region_is,
)
from matchmaker.extensions import db
from matchmaker.models import (
    Event,
    FundingRound,
    Organisation,
    OrganisationFocusArea,
    Person,
    Suggestion,
    User,
    organisation_tags,
    person_tags,
    utcnow,
)
from matchmaker.services.event_figures import EventFigures, figures_for_events
from matchmaker.services.introductions import (
    IntroductionFigures,
    introduction_figures,
    requests_per_period,
)
from matchmaker.services.project_figures import ProjectFigures, project_figures

PARIS = ZoneInfo("Europe/Paris")
GOOD_SUGGESTION_SCORE = 0.5
GOOD_SUGGESTIONS_WANTED = 5
THIN_PROFILE_CHARACTERS = 150
# Longer periods are shown year by year rather than month by month.
MONTHLY_UP_TO_MONTHS = 36
UNKNOWN = "unknown"  # a person without an organisation has no kind, sector or focus area


class FilterError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class DashboardFilters:
    since: date
    until: date  # included
    region: str = ""  # "" for every region

    def __post_init__(self):
        if self.region and self.region not in {region.value for region in FUNDER_REGIONS}:
            raise FilterError("unknown region", "region")
        if self.since > self.until:
            raise FilterError("the period ends before it starts", "until")

    @property
    def start(self) -> datetime:
        return paris_midnight(self.since)

    @property
    def end(self) -> datetime:
        return paris_midnight(self.until + timedelta(days=1))

    @classmethod
    def last_twelve_months(cls, today: date | None = None, region: str = "") -> DashboardFilters:
        today = today or datetime.now(PARIS).date()
        return cls(since=_add_months(today, -12) + timedelta(days=1), until=today, region=region)

    @classmethod
    def year(cls, year: int, region: str = "") -> DashboardFilters:
        return cls(since=date(year, 1, 1), until=date(year, 12, 31), region=region)


def paris_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=PARIS).astimezone(UTC)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last_day in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Period:
    """One step of a chart over time: a month, or a year for long ranges."""

    first_day: date
    last_day: date
    monthly: bool


def periods(filters: DashboardFilters) -> list[Period]:
    """The months (or years) the filter's range spans, clipped to the range."""
    months = (filters.until.year - filters.since.year) * 12 + filters.until.month
    months -= filters.since.month
    monthly = months < MONTHLY_UP_TO_MONTHS
    result = []
    first = filters.since
    while first <= filters.until:
        following = _add_months(first.replace(day=1), 1) if monthly else date(first.year + 1, 1, 1)
        last = min(following - timedelta(days=1), filters.until)
        result.append(Period(first_day=first, last_day=last, monthly=monthly))
        first = following
    return result


def _boundaries(steps: list[Period]) -> list[datetime]:
    return [paris_midnight(p.first_day) for p in steps] + [
        paris_midnight(steps[-1].last_day + timedelta(days=1))
    ]


def _in_region(column, region: str):
    return cluster_region_is(column, region) if region else true()


def _region_group(column):
    """The region as the funders count it, computed by the database."""
    return case(
        (column.in_([code.value for code in CLUSTER_REGIONS]), column),
        else_=Region.OTHER.value,
    )


# --- Members ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """Members of one kind, sector, region or focus area: at the end of the period, and how
    many of them joined during it."""

    code: str
    organisations: int = 0
    new_organisations: int = 0
    people: int = 0
    new_people: int = 0


@dataclass(frozen=True)
class Growth:
    period: Period
    new_organisations: int
    new_people: int
    organisations: int  # members at the end of this step
    people: int


@dataclass(frozen=True)
class MembersFigures:
    organisations: int
    new_organisations: int
    people: int
    new_people: int
    by_sector: list[Breakdown]
    by_kind: list[Breakdown]
    by_region: list[Breakdown]
    by_focus_area: list[Breakdown]
    growth: list[Growth]


def _confirmed_people():
    return (
        select(Person.id)
        .join(User, User.id == Person.user_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(User.confirmed_at.is_not(None))
    )


def _counts_by(group, statement, created, filters: DashboardFilters) -> dict[str, tuple[int, int]]:
    """{group: (members at the end, joined in the period)} in one query."""
    rows = db.session.execute(
        statement.add_columns(
            group.label("code"), func.count(), func.count().filter(created >= filters.start)
        )
        .where(created < filters.end)
        .group_by(group)
    ).all()
    return {
        (code if code is not None else UNKNOWN): (int(total), int(new)) for code, total, new in rows
    }


def _organisation_counts(group, filters: DashboardFilters, join_focus: bool = False):
    statement = select().select_from(Organisation)
    if join_focus:
        statement = statement.join(
            OrganisationFocusArea, OrganisationFocusArea.organisation_id == Organisation.id
        )
    statement = statement.where(_in_region(Organisation.region, filters.region))
    return _counts_by(group, statement, Organisation.created_at, filters)


def _people_counts(group, filters: DashboardFilters, join_focus: bool = False):
    statement = (
        select()
        .select_from(Person)
        .join(User, User.id == Person.user_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
    )
    if join_focus:
        statement = statement.join(
            OrganisationFocusArea, OrganisationFocusArea.organisation_id == Organisation.id
        )
    statement = statement.where(
        User.confirmed_at.is_not(None), _in_region(Organisation.region, filters.region)
    )
    return _counts_by(group, statement, Person.created_at, filters)


def _breakdowns(organisations: dict, people: dict, order: list[str]) -> list[Breakdown]:
    codes = [code for code in order if code in organisations or code in people]
    codes += sorted((set(organisations) | set(people)) - set(codes))
    return [
        Breakdown(code, *organisations.get(code, (0, 0)), *people.get(code, (0, 0)))
        for code in codes
    ]


def _merge_kinds_into_sectors(counts: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    sectors: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for kind, (total, new) in counts.items():
        sector = OrganisationKind(kind).sector.value if kind != UNKNOWN else UNKNOWN
        sectors[sector][0] += total
        sectors[sector][1] += new
    return {sector: (total, new) for sector, (total, new) in sectors.items()}


def _growth(filters: DashboardFilters, steps: list[Period]) -> list[Growth]:
    bounds = _boundaries(steps)

    def per_step(created, statement) -> tuple[int, list[int]]:
        columns = [func.count().filter(created < bounds[0])]
        columns += [
            func.count().filter(created >= start, created < end) for start, end in pairwise(bounds)
        ]
        row = db.session.execute(statement.add_columns(*columns).where(created < bounds[-1])).one()
        return int(row[0]), [int(value) for value in row[1:]]

    organisations_before, new_organisations = per_step(
        Organisation.created_at,
        select().select_from(Organisation).where(_in_region(Organisation.region, filters.region)),
    )
    people_before, new_people = per_step(
        Person.created_at,
        select()
        .select_from(Person)
        .join(User, User.id == Person.user_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(User.confirmed_at.is_not(None), _in_region(Organisation.region, filters.region)),
    )
    result = []
    organisations, people = organisations_before, people_before
    for step, new_o, new_p in zip(steps, new_organisations, new_people, strict=True):
        organisations += new_o
        people += new_p
        result.append(Growth(step, new_o, new_p, organisations, people))
    return result


def members_figures(filters: DashboardFilters, steps: list[Period] | None = None) -> MembersFigures:
    steps = steps or periods(filters)
    region_code = _region_group(Organisation.region)
    kinds = [kind.value for kind in OrganisationKind] + [UNKNOWN]
    organisations_by_kind = _organisation_counts(Organisation.kind, filters)
    people_by_kind = _people_counts(Organisation.kind, filters)
    organisations_by_sector = _merge_kinds_into_sectors(organisations_by_kind)
    people_by_sector = _merge_kinds_into_sectors(people_by_kind)
    by_region = _breakdowns(
        _organisation_counts(region_code, filters),
        _people_counts(region_code, filters),
        [region.value for region in FUNDER_REGIONS],
    )
    by_focus_area = _breakdowns(
        _organisation_counts(OrganisationFocusArea.focus_area, filters, join_focus=True),
        _people_counts(OrganisationFocusArea.focus_area, filters, join_focus=True),
        [],
    )
    by_focus_area.sort(key=lambda row: (-row.organisations, row.code))
    return MembersFigures(
        organisations=sum(total for total, _ in organisations_by_kind.values()),
        new_organisations=sum(new for _, new in organisations_by_kind.values()),
        people=sum(total for total, _ in people_by_kind.values()),
        new_people=sum(new for _, new in people_by_kind.values()),
        by_sector=_breakdowns(
            organisations_by_sector, people_by_sector, ["public", "private", UNKNOWN]
        ),
        by_kind=_breakdowns(organisations_by_kind, people_by_kind, kinds),
        by_region=by_region,
        by_focus_area=by_focus_area,
        growth=_growth(filters, steps),
    )


# --- Events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventLine:
    event_id: int
    title: str
    kind: str
    starts_at: datetime
    figures: EventFigures


@dataclass(frozen=True)
class EventTotals:
    """Several events added up (a year, a kind, the period); rates over the events that are
    over, averages per event."""

    label: str
    events: int = 0
    events_over: int = 0
    invited: int = 0
    said_yes: int = 0
    came: int = 0
    came_invited: int = 0
    invited_over: int = 0
    came_private: int = 0
    came_public: int = 0
    newcomers: int = 0
    new_connections: int = 0

    @property
    def show_up_rate(self) -> float | None:
        return self.came_invited / self.invited_over if self.invited_over else None

    @property
    def private_share_came(self) -> float | None:
        known = self.came_private + self.came_public
        return self.came_private / known if known else None

    def _per_event(self, total: int) -> float | None:
        return total / self.events_over if self.events_over else None

    @property
    def average_invited(self) -> float | None:
        return self._per_event(self.invited_over)

    @property
    def average_came(self) -> float | None:
        return self._per_event(self.came)

    @property
    def average_newcomers(self) -> float | None:
        return self._per_event(self.newcomers)

    @property
    def average_new_connections(self) -> float | None:
        return self._per_event(self.new_connections)


@dataclass(frozen=True)
class EventsFigures:
    events: list[EventLine]
    per_year: list[EventTotals]
    by_kind: list[EventTotals]
    total: EventTotals


def _add_up(label: str, lines: list[EventLine]) -> EventTotals:
    values: dict[str, int] = defaultdict(int)
    for line in lines:
        f = line.figures
        values["events"] += 1
        values["invited"] += f.invited
        values["said_yes"] += f.said_yes
        if f.over:
            values["events_over"] += 1
            values["invited_over"] += f.invited
            values["came"] += f.came
            values["came_invited"] += f.came_invited
            values["came_private"] += f.came_private
            values["came_public"] += f.came_public
            values["newcomers"] += f.newcomers
            values["new_connections"] += f.new_connections
    return EventTotals(label=label, **values)


def events_figures(filters: DashboardFilters) -> EventsFigures:
    events = db.session.scalars(
        select(Event)
        .where(
            Event.starts_at >= filters.start,
            Event.starts_at < filters.end,
            Event.cancelled_at.is_(None),
        )
        .order_by(Event.starts_at, Event.id)
    ).all()
    figures = figures_for_events(events, region=filters.region)
    lines = [
        EventLine(event.id, event.title, event.kind, event.starts_at, figures[event.id])
        for event in events
    ]
    years: dict[int, list[EventLine]] = defaultdict(list)
    kinds: dict[str, list[EventLine]] = defaultdict(list)
    for line in lines:
        years[line.starts_at.astimezone(PARIS).year].append(line)
        kinds[line.kind].append(line)
    return EventsFigures(
        events=lines,
        per_year=[_add_up(str(year), years[year]) for year in sorted(years)],
        by_kind=[_add_up(kind, kinds[kind]) for kind in sorted(kinds)],
        total=_add_up("", lines),
    )


# --- Introductions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IntroductionStep:
    period: Period
    requested: int
    introduced: int


@dataclass(frozen=True)
class IntroductionsFigures:
    figures: IntroductionFigures
    over_time: list[IntroductionStep]


def introductions_figures(
    filters: DashboardFilters, steps: list[Period] | None = None
) -> IntroductionsFigures:
    steps = steps or periods(filters)
    counts = requests_per_period(_boundaries(steps), region=filters.region)
    return IntroductionsFigures(
        figures=introduction_figures(since=filters.start, until=filters.end, region=filters.region),
        over_time=[
            IntroductionStep(step, requested, introduced)
            for step, (requested, introduced) in zip(steps, counts, strict=True)
        ],
    )


# --- Projects --------------------------------------------------------------------------------


def projects_figures(filters: DashboardFilters) -> ProjectFigures:
    return project_figures(since=filters.since, until=filters.until, region=filters.region or None)


# --- Startups --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StartupYear:
    year: int
    created: int = 0
    rounds: int = 0
    raised_eur: int = 0


@dataclass(frozen=True)
class RoundLine:
    organisation_id: int
    organisation: str
    region: str
    raised_on: date
    kind: str
    amount_eur: int
    investors: str


@dataclass(frozen=True)
class RoundKindTotal:
    kind: str
    rounds: int
    raised_eur: int


@dataclass(frozen=True)
class StartupsFigures:
    created: int
    supported: int  # startups created with the cluster's support up to the end of the period
    startups_that_raised: int
    rounds: int
    raised_eur: int
    per_year: list[StartupYear]
    by_round_kind: list[RoundKindTotal]
    round_lines: list[RoundLine]


def startups_figures(filters: DashboardFilters) -> StartupsFigures:
    supported = and_(
        Organisation.cluster_startup.is_(True),
        Organisation.startup_created_on.is_not(None),
        _in_region(Organisation.region, filters.region),
    )
    created_year = extract("year", Organisation.startup_created_on)
    created = dict(
        db.session.execute(
            select(created_year, func.count())
            .where(
                supported,
                Organisation.startup_created_on >= filters.since,
                Organisation.startup_created_on <= filters.until,
            )
            .group_by(created_year)
        ).all()
    )
    supported_total = db.session.scalar(
        select(func.count())
        .select_from(Organisation)
        .where(supported, Organisation.startup_created_on <= filters.until)
    )
    in_period = and_(
        supported,
        FundingRound.raised_on >= filters.since,
        FundingRound.raised_on <= filters.until,
    )
    rounds_of_supported = (
        select()
        .select_from(FundingRound)
        .join(Organisation, Organisation.id == FundingRound.organisation_id)
    )
    raised_year = extract("year", FundingRound.raised_on)
    per_year_rounds = {
        int(year): (int(n), int(total))
        for year, n, total in db.session.execute(
            rounds_of_supported.add_columns(
                raised_year, func.count(), func.coalesce(func.sum(FundingRound.amount_eur), 0)
            )
            .where(in_period)
            .group_by(raised_year)
        ).all()
    }
    by_kind = [
        RoundKindTotal(kind, int(n), int(total))
        for kind, n, total in db.session.execute(
            rounds_of_supported.add_columns(
                FundingRound.kind, func.count(), func.coalesce(func.sum(FundingRound.amount_eur), 0)
            )
            .where(in_period)
            .group_by(FundingRound.kind)
            .order_by(FundingRound.kind)
        ).all()
    ]
    startups_that_raised = db.session.scalar(
        rounds_of_supported.add_columns(
            func.count(func.distinct(FundingRound.organisation_id))
        ).where(in_period)
    )
    round_lines = [
        RoundLine(*row)
        for row in db.session.execute(
            rounds_of_supported.add_columns(
                Organisation.id,
                Organisation.name,
                Organisation.region,
                FundingRound.raised_on,
                FundingRound.kind,
                FundingRound.amount_eur,
                FundingRound.investors,
            )
            .where(in_period)
            .order_by(FundingRound.raised_on.desc(), FundingRound.id.desc())
        ).all()
    ]
    years = range(filters.since.year, filters.until.year + 1)
    per_year = [
        StartupYear(year, int(created.get(year, 0)), *per_year_rounds.get(year, (0, 0)))
        for year in years
    ]
    return StartupsFigures(
        created=sum(row.created for row in per_year),
        supported=int(supported_total or 0),
        startups_that_raised=int(startups_that_raised or 0),
        rounds=sum(row.rounds for row in per_year),
        raised_eur=sum(row.raised_eur for row in per_year),
        per_year=per_year,
        by_round_kind=by_kind,
        round_lines=round_lines,
    )


# --- Matching health -------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionBand:
    """How many members have this many good suggestions (``low``..``high``, None = no limit)."""

    low: int
    high: int | None
    people: int
    organisations: int


@dataclass(frozen=True)
class ThinProfile:
    kind: str  # "person" or "organisation"
    id: int
    name: str
    organisation: str
    email: str
    region: str
    characters: int
    tags: int
    good_suggestions: int


@dataclass(frozen=True)
class MatchingFigures:
    people: int  # members who agreed to be matched
    people_well_served: int
    organisations: int
    organisations_well_served: int
    people_not_consenting: int
    bands: list[SuggestionBand]
    thin_people: int
    thin_organisations: int
    thin_profiles: list[ThinProfile]

    @property
    def people_share(self) -> float | None:
        return self.people_well_served / self.people if self.people else None

    @property
    def organisations_share(self) -> float | None:
        return self.organisations_well_served / self.organisations if self.organisations else None


BANDS = ((0, 0), (1, GOOD_SUGGESTIONS_WANTED - 1), (GOOD_SUGGESTIONS_WANTED, 9), (10, None))


def _good_counts(kind: str):
    return (
        select(Suggestion.source_id.label("party_id"), func.count().label("good"))
        .where(Suggestion.source_kind == kind, Suggestion.score >= GOOD_SUGGESTION_SCORE)
        .group_by(Suggestion.source_id)
        .subquery()
    )


def _band_columns(good):
    value = func.coalesce(good, 0)
    columns = []
    for low, high in BANDS:
        condition = value >= low if high is None else and_(value >= low, value <= high)
        columns.append(func.count().filter(condition))
    return columns


def _text_length(*columns):
    total = None
    for column in columns:
        length = func.length(func.coalesce(column, ""))
        total = length if total is None else total + length
    return total


def matching_figures(filters: DashboardFilters, thin_limit: int | None = None) -> MatchingFigures:
    region = _in_region(Organisation.region, filters.region)
    good_people = _good_counts("person")
    good_organisations = _good_counts("organisation")
    person_good = func.coalesce(good_people.c.good, 0)
    organisation_good = func.coalesce(good_organisations.c.good, 0)
    person_tag_count = (
        select(func.count())
        .where(person_tags.c.person_id == Person.id)
        .correlate(Person)
        .scalar_subquery()
    )
    organisation_tag_count = (
        select(func.count())
        .where(organisation_tags.c.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    person_text = _text_length(Person.expertise, Person.offer, Person.looking_for)
    organisation_text = _text_length(
        Organisation.description, Organisation.offer, Organisation.looking_for
    )
    person_thin = or_(person_text < THIN_PROFILE_CHARACTERS, person_tag_count == 0)
    organisation_thin = or_(
        organisation_text < THIN_PROFILE_CHARACTERS, organisation_tag_count == 0
    )
    members = and_(User.confirmed_at.is_not(None), Person.created_at < filters.end, region)
    matched_people = (
        select()
        .select_from(Person)
        .join(User, User.id == Person.user_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .outerjoin(good_people, good_people.c.party_id == Person.id)
        .where(members)
    )
    people_row = db.session.execute(
        matched_people.add_columns(
            func.count().filter(Person.consent_matching.is_(True)),
            func.count().filter(
                Person.consent_matching.is_(True), person_good >= GOOD_SUGGESTIONS_WANTED
            ),
            func.count().filter(Person.consent_matching.is_not(True)),
            func.count().filter(Person.consent_matching.is_(True), person_thin),
            *[
                column.filter(Person.consent_matching.is_(True))
                for column in _band_columns(good_people.c.good)
            ],
        )
    ).one()
    organisations_in = (
        select()
        .select_from(Organisation)
        .outerjoin(good_organisations, good_organisations.c.party_id == Organisation.id)
        .where(Organisation.created_at < filters.end, region)
    )
    organisations_row = db.session.execute(
        organisations_in.add_columns(
            func.count(),
            func.count().filter(organisation_good >= GOOD_SUGGESTIONS_WANTED),
            func.count().filter(organisation_thin),
            *_band_columns(good_organisations.c.good),
        )
    ).one()
    people_total, people_served, not_consenting, thin_people = (int(v) for v in people_row[:4])
    organisations_total, organisations_served, thin_organisations = (
        int(v) for v in organisations_row[:3]
    )
    bands = [
        SuggestionBand(low, high, int(people_row[4 + i]), int(organisations_row[3 + i]))
        for i, (low, high) in enumerate(BANDS)
    ]
    thin_people_rows = (
        matched_people.add_columns(
            literal("person"),
            Person.id,
            Person.full_name,
            func.coalesce(Organisation.name, ""),
            User.email,
            func.coalesce(Organisation.region, Region.OTHER.value),
            person_text,
            person_tag_count,
            person_good,
        )
        .where(Person.consent_matching.is_(True), person_thin)
        .order_by(person_text, Person.id)
    )
    thin_organisation_rows = (
        organisations_in.add_columns(
            literal("organisation"),
            Organisation.id,
            Organisation.name,
            literal(""),
            literal(""),
            Organisation.region,
            organisation_text,
            organisation_tag_count,
            organisation_good,
        )
        .where(organisation_thin)
        .order_by(organisation_text, Organisation.id)
    )
    if thin_limit is not None:
        thin_people_rows = thin_people_rows.limit(thin_limit)
        thin_organisation_rows = thin_organisation_rows.limit(thin_limit)
    thin_profiles = [
        ThinProfile(kind, id_, name, organisation, email, region, int(chars), int(tags), int(good))
        for statement in (thin_people_rows, thin_organisation_rows)
        for kind, id_, name, organisation, email, region, chars, tags, good in db.session.execute(
            statement
        )
    ]
    return MatchingFigures(
        people=people_total,
        people_well_served=people_served,
        organisations=organisations_total,
        organisations_well_served=organisations_served,
        people_not_consenting=not_consenting,
        bands=bands,
        thin_people=thin_people,
        thin_organisations=thin_organisations,
        thin_profiles=thin_profiles,
    )


# --- The whole dashboard ---------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFigures:
    filters: DashboardFilters
    computed_at: datetime
    periods: list[Period]
    members: MembersFigures
    events: EventsFigures
    introductions: IntroductionsFigures
    projects: ProjectFigures
    startups: StartupsFigures
    matching: MatchingFigures


def dashboard_figures(
    filters: DashboardFilters, *, thin_limit: int | None = None
) -> DashboardFigures:
    """Every section of the dashboard for one period and region."""
    steps = periods(filters)
    return DashboardFigures(
        filters=filters,
        computed_at=utcnow(),
        periods=steps,
        members=members_figures(filters, steps),
        events=events_figures(filters),
        introductions=introductions_figures(filters, steps),
        projects=projects_figures(filters),
        startups=startups_figures(filters),
        matching=matching_figures(filters, thin_limit=thin_limit),
    )


# --- The annual report -----------------------------------------------------------------------

# The figures of the annual report, in its order: (section, key).
KEY_FIGURES = (
    ("members", "organisations"),
    ("members", "new_organisations"),
    ("members", "people"),
    ("members", "new_people"),
    ("events", "events"),
    ("events", "invited"),
    ("events", "came"),
    ("events", "show_up_rate"),
    ("events", "private_share_came"),
    ("events", "newcomers"),
    ("events", "new_connections"),
    ("introductions", "requested"),
    ("introductions", "introduced"),
    ("introductions", "declined"),
    ("introductions", "expired"),
    ("introductions", "acceptance_rate"),
    ("introductions", "median_days_to_answer"),
    ("introductions", "met"),
    ("introductions", "projects"),
    ("projects", "proposed"),
    ("projects", "labelled"),
    ("projects", "approved"),
    ("projects", "funding_granted_eur"),
    ("startups", "created"),
    ("startups", "rounds"),
    ("startups", "raised_eur"),
    ("matching", "people_share"),
    ("matching", "organisations_share"),
    ("matching", "thin_profiles"),
)
RATES = frozenset(
    {"show_up_rate", "private_share_came", "acceptance_rate", "people_share", "organisations_share"}
)


def key_figures(figures: DashboardFigures) -> dict[tuple[str, str], float | int | None]:
    introductions = figures.introductions.figures
    median = introductions.median_time_to_answer
    total = figures.events.total
    return {
        ("members", "organisations"): figures.members.organisations,
        ("members", "new_organisations"): figures.members.new_organisations,
        ("members", "people"): figures.members.people,
        ("members", "new_people"): figures.members.new_people,
        ("events", "events"): total.events,
        ("events", "invited"): total.invited,
        ("events", "came"): total.came,
        ("events", "show_up_rate"): total.show_up_rate,
        ("events", "private_share_came"): total.private_share_came,
        ("events", "newcomers"): total.newcomers,
        ("events", "new_connections"): total.new_connections,
        ("introductions", "requested"): introductions.requested,
        ("introductions", "introduced"): introductions.introduced,
        ("introductions", "declined"): introductions.declined,
        ("introductions", "expired"): introductions.expired,
        ("introductions", "acceptance_rate"): introductions.acceptance_rate,
        ("introductions", "median_days_to_answer"): (
            round(median.total_seconds() / 86400, 1) if median is not None else None
        ),
        ("introductions", "met"): introductions.met,
        ("introductions", "projects"): introductions.projects,
        ("projects", "proposed"): figures.projects.proposed,
        ("projects", "labelled"): figures.projects.labelled,
        ("projects", "approved"): figures.projects.approved,
        ("projects", "funding_granted_eur"): figures.projects.funding_granted_eur,
        ("startups", "created"): figures.startups.created,
        ("startups", "rounds"): figures.startups.rounds,
        ("startups", "raised_eur"): figures.startups.raised_eur,
        ("matching", "people_share"): figures.matching.people_share,
        ("matching", "organisations_share"): figures.matching.organisations_share,
        ("matching", "thin_profiles"): (
            figures.matching.thin_people + figures.matching.thin_organisations
        ),
    }


@dataclass(frozen=True)
class ReportLine:
    section: str
    key: str
    this_year: float | int | None
    last_year: float | int | None

    @property
    def is_rate(self) -> bool:
        return self.key in RATES

    @property
    def change(self) -> float | None:
        """Points for rates, a relative change for counts; None when it cannot be said."""
        if self.this_year is None or self.last_year is None:
            return None
        if self.is_rate:
            return self.this_year - self.last_year
        if not self.last_year:
            return None
        return (self.this_year - self.last_year) / self.last_year


@dataclass(frozen=True)
class AnnualReport:
    year: int
    region: str
    this_year: DashboardFigures
    last_year: DashboardFigures
    lines: list[ReportLine]


def annual_report(year: int, region: str = "") -> AnnualReport:
    """The year's figures against the previous year's, for the funders' report.

    Matching health is today's state for the members of each year's end (suggestions are not
    kept in history)."""
    this_year = dashboard_figures(DashboardFilters.year(year, region), thin_limit=0)
    last_year = dashboard_figures(DashboardFilters.year(year - 1, region), thin_limit=0)
    now, before = key_figures(this_year), key_figures(last_year)
    return AnnualReport(
        year=year,
        region=region,
        this_year=this_year,
        last_year=last_year,
        lines=[
            ReportLine(section, key, now[section, key], before[section, key])
            for section, key in KEY_FIGURES
        ],
    )


# --- As JSON ---------------------------------------------------------------------------------


def as_json(value):
    """Plain JSON values: dataclasses become objects (with their computed properties), dates
    ISO 8601 strings, durations seconds."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        result = {
            field.name: as_json(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
        for name in dir(type(value)):
            if not name.startswith("_") and isinstance(getattr(type(value), name), property):
                result[name] = as_json(getattr(value, name))
        return result
    if isinstance(value, dict):
        return {
            ("/".join(key) if isinstance(key, tuple) else str(key)): as_json(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [as_json(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value
