"""The dashboard's charts, drawn on the server by :mod:`matchmaker.charts` from the same
tables the page shows beside them. Each keeps its title, shown above it as a caption."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from matchmaker.charts import Series, bar_chart, horizontal_bar_chart, line_chart
from matchmaker.dashboard.tables import Table


@dataclass(frozen=True)
class Chart:
    title: str
    svg: Markup

    def __html__(self) -> str:
        return str(self.svg)


def titled(draw, title: str, *args, **kwargs) -> Chart:
    """Draws with ``draw`` (a function of :mod:`matchmaker.charts`), keeping the title."""
    return Chart(title=str(title), svg=draw(title, *args, **kwargs))


def _count(value: float) -> str:
    # Axis ticks of small counts fall between whole numbers (0.25, 12.5): show them as they are.
    return format_decimal(round(value, 2))


def _percent(value: float) -> str:
    return format_percent(round(value, 2))


def _millions(value: float) -> str:
    return format_decimal(round(value / 1_000_000, 2))


def _column(table: Table, index: int) -> list[float]:
    return [row[index] or 0 for row in table.rows]


def _labels(table: Table) -> list[str]:
    return [str(row[0]) for row in table.rows]


def growth_chart(table: Table) -> Chart:
    return titled(
        line_chart,
        _("Members over time"),
        _labels(table),
        [Series(_("Organisations"), _column(table, 3)), Series(_("People"), _column(table, 4))],
        value_format=_count,
    )


def new_members_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        table.title,
        _labels(table),
        [Series(_("Organisations"), _column(table, 1)), Series(_("People"), _column(table, 2))],
        value_format=_count,
    )


def breakdown_chart(table: Table) -> Chart:
    """Organisations per category, largest first."""
    rows = sorted(table.rows, key=lambda row: -row[1])
    return titled(
        horizontal_bar_chart,
        table.title + " — " + _("organisations"),
        [str(row[0]) for row in rows],
        [row[1] for row in rows],
        value_format=_count,
    )


def events_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        _("Invited, attended and new connections per event"),
        [format_date(row[2], "d MMM") for row in table.rows],
        [
            Series(_("Invited"), _column(table, 3)),
            Series(_("Attended"), _column(table, 5)),
            Series(_("New connections"), _column(table, 10)),
        ],
        value_format=_count,
    )


def events_by_kind_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        table.title,
        _labels(table),
        [
            Series(_("Attendees per event"), _column(table, 3)),
            Series(_("Newcomers per event"), _column(table, 6)),
            Series(_("New connections per event"), _column(table, 7)),
        ],
        value_format=_count,
    )


def introductions_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        table.title,
        _labels(table),
        [
            Series(_("Requests made"), _column(table, 1)),
            Series(_("Led to an introduction"), _column(table, 2)),
        ],
        value_format=_count,
    )


def projects_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        table.title,
        _labels(table),
        [
            Series(_("Projects proposed"), _column(table, 1)),
            Series(_("Projects labelled"), _column(table, 2)),
            Series(_("Projects approved"), _column(table, 3)),
        ],
        value_format=_count,
        height=240,
    )


def project_funding_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        _("Funding granted to projects per year (millions of euros)"),
        _labels(table),
        [Series(_("Granted"), _column(table, 4))],
        value_format=_millions,
        height=240,
    )


def consortia_chart(table: Table) -> Chart:
    return titled(
        horizontal_bar_chart,
        table.title,
        _labels(table),
        _column(table, 1),
        value_format=_count,
    )


def startups_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        _("Startups created with the cluster's support, per year"),
        _labels(table),
        [Series(_("Startups created"), _column(table, 1))],
        value_format=_count,
        height=240,
    )


def funding_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        _("Funds raised per year (millions of euros)"),
        _labels(table),
        [Series(_("Raised"), _column(table, 3))],
        value_format=_millions,
        height=240,
    )


def matching_chart(table: Table) -> Chart:
    return titled(
        bar_chart,
        table.title,
        _labels(table),
        [Series(_("People"), _column(table, 1)), Series(_("Organisations"), _column(table, 2))],
        value_format=_count,
        height=240,
    )


def share_chart(title: str, labels: list[str], shares: list[float]) -> Chart:
    return titled(horizontal_bar_chart, title, labels, shares, value_format=_percent)
