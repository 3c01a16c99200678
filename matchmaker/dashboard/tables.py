"""The dashboard's tables: one definition serves the page (beside each chart) and the CSV.

A :class:`Table` holds raw values (counts, rates between 0 and 1, euros, dates) and, for each
column, what kind of value it is: the page formats them for the reader's locale, the CSV
writes them plainly (rates as decimals, dates in ISO 8601) under translated headers.

A new section adds its builders to :data:`TABLES` (name → function of the figures).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from matchmaker.dashboard.forms import funder_region_label
from matchmaker.domain import (
    FOCUS_AREA_LABELS,
    INTRODUCTION_STATUS_LABELS,
    KIND_LABELS,
    REGION_LABELS,
    SECTOR_LABELS,
    IntroductionStatus,
    Sector,
)
from matchmaker.events.labels import KIND_LABELS as EVENT_KIND_LABELS
from matchmaker.services.dashboard import (
    PARIS,
    UNKNOWN,
    AnnualReport,
    Breakdown,
    DashboardFigures,
    EventTotals,
    Period,
)
from matchmaker.services.fundraising import ROUND_KIND_LABELS
from matchmaker.templating import label_of

TEXT, COUNT, RATE, EUROS, DATE, NUMBER = "text", "count", "rate", "euros", "date", "number"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT


@dataclass
class Table:
    name: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    # Links for the page only (row index → URL of the first cell), e.g. to an event.
    links: dict[int, str] = field(default_factory=dict)
    # Cells whose kind differs from their column's (a "figure, value" table mixes counts and
    # rates): (row index, column index) → kind.
    cell_kinds: dict[tuple[int, int], str] = field(default_factory=dict)

    def kind_of(self, row: int, column: int) -> str:
        return self.cell_kinds.get((row, column), self.columns[column].kind)

    def csv_rows(self) -> list[list]:
        return [
            [_csv_value(value, self.kind_of(r, c)) for c, value in enumerate(row)]
            for r, row in enumerate(self.rows)
        ]

    @property
    def header(self) -> list[str]:
        return [column.label for column in self.columns]


def _csv_value(value, kind: str):
    if value is None:
        return ""
    if kind == RATE:
        return f"{value:.4f}"
    if kind == NUMBER:
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def period_label(period: Period) -> str:
    if period.monthly:
        return format_date(period.first_day, "MMM y")
    return str(period.first_day.year)


def _label(labels: dict, code: str) -> str:
    if code == UNKNOWN:
        return _("No organisation")
    return label_of(labels, code)


def _breakdown_table(name: str, title: str, what: str, labels: dict, rows: list[Breakdown]):
    return Table(
        name,
        title,
        [
            Column(what, TEXT),
            Column(_("Organisations")),
            Column(_("New organisations")),
            Column(_("People")),
            Column(_("New people")),
        ],
        [
            [
                _label(labels, row.code),
                row.organisations,
                row.new_organisations,
                row.people,
                row.new_people,
            ]
            for row in rows
        ],
    )


def members_by_sector(figures: DashboardFigures) -> Table:
    return _breakdown_table(
        "members-by-sector",
        _("Members by sector"),
        _("Sector"),
        SECTOR_LABELS,
        figures.members.by_sector,
    )


def members_by_kind(figures: DashboardFigures) -> Table:
    return _breakdown_table(
        "members-by-kind",
        _("Members by kind of organisation"),
        _("Kind"),
        KIND_LABELS,
        figures.members.by_kind,
    )


def members_by_region(figures: DashboardFigures) -> Table:
    return _breakdown_table(
        "members-by-region",
        _("Members by region"),
        _("Region"),
        {row.code: funder_region_label(row.code) for row in figures.members.by_region},
        figures.members.by_region,
    )


def members_by_focus_area(figures: DashboardFigures) -> Table:
    return _breakdown_table(
        "members-by-focus-area",
        _("Members by focus area"),
        _("Focus area"),
        FOCUS_AREA_LABELS,
        figures.members.by_focus_area,
    )


def members_over_time(figures: DashboardFigures) -> Table:
    monthly = bool(figures.periods) and figures.periods[0].monthly
    return Table(
        "members-over-time",
        _("New members per month") if monthly else _("New members per year"),
        [
            Column(_("Month") if monthly else _("Year"), TEXT),
            Column(_("New organisations")),
            Column(_("New people")),
            Column(_("Organisations at the end")),
            Column(_("People at the end")),
        ],
        [
            [
                period_label(row.period),
                row.new_organisations,
                row.new_people,
                row.organisations,
                row.people,
            ]
            for row in figures.members.growth
        ],
    )


EVENT_COLUMNS = (
    (_l("Invited"), "invited", COUNT),
    (_l("Said yes"), "said_yes", COUNT),
    (_l("Attended"), "came", COUNT),
    (_l("Show-up rate"), "show_up_rate", RATE),
    (_l("Private among attendees"), "came_private", COUNT),
    (_l("Public among attendees"), "came_public", COUNT),
    (_l("Newcomers"), "newcomers", COUNT),
    (_l("New connections"), "new_connections", COUNT),
)


def events_table(figures: DashboardFigures, url_of: Callable[[int], str] | None = None) -> Table:
    table = Table(
        "events",
        _("Events"),
        [Column(_("Event"), TEXT), Column(_("Kind"), TEXT), Column(_("Date"), DATE)]
        + [Column(str(label), kind) for label, _name, kind in EVENT_COLUMNS],
    )
    for index, line in enumerate(figures.events.events):
        table.rows.append(
            [
                line.title,
                label_of(EVENT_KIND_LABELS, line.kind),
                line.starts_at.astimezone(PARIS).date(),
            ]
            + [getattr(line.figures, name) for _label_, name, _kind in EVENT_COLUMNS]
        )
        if url_of is not None:
            table.links[index] = url_of(line.event_id)
    return table


def _totals_columns() -> list[Column]:
    return [
        Column(_("Events")),
        Column(_("Invited")),
        Column(_("Said yes")),
        Column(_("Attended")),
        Column(_("Show-up rate"), RATE),
        Column(_("Private share among attendees"), RATE),
        Column(_("Newcomers")),
        Column(_("New connections")),
    ]


def _totals_row(row: EventTotals) -> list:
    return [
        row.events,
        row.invited,
        row.said_yes,
        row.came,
        row.show_up_rate,
        row.private_share_came,
        row.newcomers,
        row.new_connections,
    ]


def events_per_year(figures: DashboardFigures) -> Table:
    return Table(
        "events-per-year",
        _("Events per year"),
        [Column(_("Year"), TEXT), *_totals_columns()],
        [[row.label, *_totals_row(row)] for row in figures.events.per_year],
    )


def events_by_kind(figures: DashboardFigures) -> Table:
    return Table(
        "events-by-kind",
        _("Averages per event, by kind"),
        [
            Column(_("Kind"), TEXT),
            Column(_("Events held")),
            Column(_("Invited per event"), NUMBER),
            Column(_("Attendees per event"), NUMBER),
            Column(_("Show-up rate"), RATE),
            Column(_("Private share among attendees"), RATE),
            Column(_("Newcomers per event"), NUMBER),
            Column(_("New connections per event"), NUMBER),
        ],
        [
            [
                label_of(EVENT_KIND_LABELS, row.label),
                row.events_over,
                row.average_invited,
                row.average_came,
                row.show_up_rate,
                row.private_share_came,
                row.average_newcomers,
                row.average_new_connections,
            ]
            for row in figures.events.by_kind
        ],
    )


def introductions_table(figures: DashboardFigures) -> Table:
    f = figures.introductions.figures
    median = f.median_time_to_answer
    lines = [
        (_("Requests made"), f.requested, COUNT),
        (_("Still open"), f.open, COUNT),
        (label_of(INTRODUCTION_STATUS_LABELS, IntroductionStatus.ACCEPTED), f.introduced, COUNT),
        (label_of(INTRODUCTION_STATUS_LABELS, IntroductionStatus.DECLINED), f.declined, COUNT),
        (label_of(INTRODUCTION_STATUS_LABELS, IntroductionStatus.EXPIRED), f.expired, COUNT),
        (_("They met"), f.met, COUNT),
        (_("A project started"), f.projects, COUNT),
        (_("Acceptance rate"), f.acceptance_rate, RATE),
        (
            _("Median time to answer (days)"),
            median.total_seconds() / 86400 if median is not None else None,
            NUMBER,
        ),
    ]
    return Table(
        "introductions",
        _("Introductions"),
        [Column(_("Figure"), TEXT), Column(_("Value"))],
        [[label, value] for label, value, _kind in lines],
        cell_kinds={(index, 1): kind for index, (_label_, _value, kind) in enumerate(lines)},
    )


def introductions_over_time(figures: DashboardFigures) -> Table:
    monthly = bool(figures.periods) and figures.periods[0].monthly
    return Table(
        "introductions-over-time",
        _("Introduction requests per month") if monthly else _("Introduction requests per year"),
        [
            Column(_("Month") if monthly else _("Year"), TEXT),
            Column(_("Requests made")),
            Column(_("Led to an introduction")),
        ],
        [
            [period_label(row.period), row.requested, row.introduced]
            for row in figures.introductions.over_time
        ],
    )


def projects_table(figures: DashboardFigures) -> Table:
    f = figures.projects
    lines = [
        (_("Projects proposed"), f.proposed, COUNT),
        (_("Projects labelled by the cluster"), f.labelled, COUNT),
        (_("Projects submitted to a funder"), f.submitted, COUNT),
        (_("Projects approved by a funder"), f.approved, COUNT),
        (_("Projects rejected by a funder"), f.rejected, COUNT),
        (_("Funding requested by the projects submitted (euros)"), f.funding_requested_eur, EUROS),
        (_("Funding granted to the projects approved (euros)"), f.funding_granted_eur, EUROS),
        (_("Public–private consortia among those submitted"), f.mixed_consortia, COUNT),
        (
            _("Share of public–private consortia"),
            f.mixed_consortia / f.submitted if f.submitted else None,
            RATE,
        ),
    ]
    return Table(
        "projects",
        _("Collaborative projects"),
        [Column(_("Figure"), TEXT), Column(_("Value"))],
        [[label, value] for label, value, _kind in lines],
        cell_kinds={(index, 1): kind for index, (_label_, _value, kind) in enumerate(lines)},
    )


def projects_per_year(figures: DashboardFigures) -> Table:
    by_year = {row.year: row for row in figures.projects.by_year}
    rows = []
    for year in range(figures.filters.since.year, figures.filters.until.year + 1):
        row = by_year.get(year)
        rows.append(
            [str(year), row.proposed, row.labelled, row.approved, row.funding_granted_eur]
            if row is not None
            else [str(year), 0, 0, 0, 0]
        )
    return Table(
        "projects-per-year",
        _("Projects proposed, labelled and approved per year"),
        [
            Column(_("Year"), TEXT),
            Column(_("Projects proposed")),
            Column(_("Projects labelled")),
            Column(_("Projects approved")),
            Column(_("Funding granted (euros)"), EUROS),
        ],
        rows,
    )


def projects_consortia(figures: DashboardFigures) -> Table:
    f = figures.projects
    partners = f.consortia_public_partners + f.consortia_private_partners
    return Table(
        "projects-consortia",
        _("Partners of the consortia submitted, by sector"),
        [Column(_("Sector"), TEXT), Column(_("Partner organisations")), Column(_("Share"), RATE)],
        [
            [label_of(SECTOR_LABELS, sector), count, count / partners if partners else None]
            for sector, count in (
                (Sector.PUBLIC, f.consortia_public_partners),
                (Sector.PRIVATE, f.consortia_private_partners),
            )
        ],
    )


def startups_per_year(figures: DashboardFigures) -> Table:
    return Table(
        "startups-per-year",
        _("Startups created with the cluster's support, and their funding, per year"),
        [
            Column(_("Year"), TEXT),
            Column(_("Startups created")),
            Column(_("Funding rounds")),
            Column(_("Raised (euros)"), EUROS),
        ],
        [
            [str(row.year), row.created, row.rounds, row.raised_eur]
            for row in figures.startups.per_year
        ],
    )


def funding_by_round_kind(figures: DashboardFigures) -> Table:
    return Table(
        "funding-by-round-kind",
        _("Funding by kind of round"),
        [Column(_("Kind of round"), TEXT), Column(_("Rounds")), Column(_("Raised (euros)"), EUROS)],
        [
            [label_of(ROUND_KIND_LABELS, row.kind), row.rounds, row.raised_eur]
            for row in figures.startups.by_round_kind
        ],
    )


def funding_rounds(figures: DashboardFigures, url_of: Callable[[int], str] | None = None) -> Table:
    table = Table(
        "funding-rounds",
        _("Funding rounds of the startups"),
        [
            Column(_("Startup"), TEXT),
            Column(_("Region"), TEXT),
            Column(_("Date"), DATE),
            Column(_("Kind of round"), TEXT),
            Column(_("Amount (euros)"), EUROS),
            Column(_("Investors"), TEXT),
        ],
    )
    for index, line in enumerate(figures.startups.round_lines):
        table.rows.append(
            [
                line.organisation,
                label_of(REGION_LABELS, line.region),
                line.raised_on,
                label_of(ROUND_KIND_LABELS, line.kind),
                line.amount_eur,
                line.investors,
            ]
        )
        if url_of is not None:
            table.links[index] = url_of(line.organisation_id)
    return table


def matching_health(figures: DashboardFigures) -> Table:
    def band(low: int, high: int | None) -> str:
        if high is None:
            return _("%(low)d or more", low=low)
        if low == high:
            return str(low)
        return _("%(low)d to %(high)d", low=low, high=high)

    return Table(
        "matching-health",
        _("Members by number of good suggestions"),
        [Column(_("Good suggestions"), TEXT), Column(_("People")), Column(_("Organisations"))],
        [
            [band(row.low, row.high), row.people, row.organisations]
            for row in figures.matching.bands
        ],
    )


def thin_profiles(figures: DashboardFigures, url_of: Callable[[str, int], str] | None = None):
    table = Table(
        "thin-profiles",
        _("Profiles too thin to match"),
        [
            Column(_("Name"), TEXT),
            Column(_("Profile"), TEXT),
            Column(_("Organisation"), TEXT),
            Column(_("Email"), TEXT),
            Column(_("Region"), TEXT),
            Column(_("Characters written")),
            Column(_("Tags")),
            Column(_("Good suggestions")),
        ],
    )
    for index, row in enumerate(figures.matching.thin_profiles):
        table.rows.append(
            [
                row.name,
                _("Person") if row.kind == "person" else _("Organisation"),
                row.organisation,
                row.email,
                label_of(REGION_LABELS, row.region),
                row.characters,
                row.tags,
                row.good_suggestions,
            ]
        )
        if url_of is not None:
            table.links[index] = url_of(row.kind, row.id)
    return table


# Every table that can be downloaded, by the name in its CSV address.
TABLES: dict[str, Callable[[DashboardFigures], Table]] = {
    "members-by-sector": members_by_sector,
    "members-by-kind": members_by_kind,
    "members-by-region": members_by_region,
    "members-by-focus-area": members_by_focus_area,
    "members-over-time": members_over_time,
    "events": events_table,
    "events-per-year": events_per_year,
    "events-by-kind": events_by_kind,
    "introductions": introductions_table,
    "introductions-over-time": introductions_over_time,
    "projects": projects_table,
    "projects-per-year": projects_per_year,
    "projects-consortia": projects_consortia,
    "startups-per-year": startups_per_year,
    "funding-by-round-kind": funding_by_round_kind,
    "funding-rounds": funding_rounds,
    "matching-health": matching_health,
    "thin-profiles": thin_profiles,
}


REPORT_LABELS = {
    "organisations": _l("Member organisations at the end of the year"),
    "new_organisations": _l("Organisations that joined"),
    "people": _l("Members (people) at the end of the year"),
    "new_people": _l("People who joined"),
    "events": _l("Events held"),
    "invited": _l("Invitations"),
    "came": _l("Attendees"),
    "show_up_rate": _l("Show-up rate"),
    "private_share_came": _l("Private share among attendees"),
    "newcomers": _l("Newcomers at events"),
    "new_connections": _l("Connections made at events"),
    "requested": _l("Introduction requests"),
    "introduced": _l("Introductions accepted"),
    "declined": _l("Introductions declined"),
    "expired": _l("Introductions expired"),
    "acceptance_rate": _l("Acceptance rate of introductions"),
    "median_days_to_answer": _l("Median time to answer an introduction (days)"),
    "met": _l("Introduced pairs who met"),
    "projects": _l("Projects started after an introduction"),
    "proposed": _l("Collaborative projects proposed"),
    "labelled": _l("Projects labelled by the cluster"),
    "approved": _l("Projects approved by a funder"),
    "funding_granted_eur": _l("Funding granted to the projects approved (euros)"),
    "created": _l("Startups created with the cluster's support"),
    "rounds": _l("Funding rounds of these startups"),
    "raised_eur": _l("Funds raised by these startups (euros)"),
    "people_share": _l("Share of members with at least 5 good suggestions"),
    "organisations_share": _l("Share of organisations with at least 5 good suggestions"),
    "thin_profiles": _l("Profiles too thin to match"),
}

REPORT_SECTIONS = {
    "members": _l("Members"),
    "events": _l("Events"),
    "introductions": _l("Introductions"),
    "projects": _l("Projects"),
    "startups": _l("Startups"),
    "matching": _l("Matching health"),
}


def report_kind(key: str) -> str:
    if key in (
        "show_up_rate",
        "private_share_came",
        "acceptance_rate",
        "people_share",
        "organisations_share",
    ):
        return RATE
    if key in ("raised_eur", "funding_granted_eur"):
        return EUROS
    if key == "median_days_to_answer":
        return NUMBER
    return COUNT


def report_table(report: AnnualReport) -> Table:
    table = Table(
        "annual-report",
        _("Annual report %(year)d", year=report.year),
        [
            Column(_("Section"), TEXT),
            Column(_("Figure"), TEXT),
            Column(str(report.year)),
            Column(str(report.year - 1)),
        ],
    )
    for index, line in enumerate(report.lines):
        table.rows.append(
            [
                str(REPORT_SECTIONS[line.section]),
                str(REPORT_LABELS[line.key]),
                line.this_year,
                line.last_year,
            ]
        )
        kind = report_kind(line.key)
        table.cell_kinds[index, 2] = table.cell_kinds[index, 3] = kind
    return table
