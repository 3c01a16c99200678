"""The charts of the events pages, drawn with :mod:`matchmaker.charts`."""

from __future__ import annotations

from flask_babel import format_percent
from flask_babel import gettext as _
from markupsafe import Markup

from matchmaker.charts import Series, bar_chart
from matchmaker.domain import REGION_LABELS, SECTOR_LABELS
from matchmaker.services.event_figures import EventFigures
from matchmaker.services.event_guests import GuestListMix
from matchmaker.templating import label_of


def _percent(value: float) -> str:
    return format_percent(round(value, 2))


def attendance_chart(figures: EventFigures) -> Markup:
    """From invitations to connections, split by sector where it is known."""
    categories = [_("Invited"), _("Said yes"), _("Attended"), _("New connections")]
    return bar_chart(
        _("From invitations to connections"),
        categories,
        [
            Series(
                _("People"),
                [figures.invited, figures.said_yes, figures.came, figures.new_connections],
            )
        ],
        height=260,
    )


def sector_chart(mix: GuestListMix) -> Markup:
    return bar_chart(
        _("Private and public guests: the list against the target"),
        [label_of(SECTOR_LABELS, row.code) for row in mix.sectors],
        [
            Series(_("On the list"), [row.share for row in mix.sectors]),
            Series(_("Target"), [row.target or 0.0 for row in mix.sectors]),
        ],
        height=260,
        value_format=_percent,
    )


def region_chart(mix: GuestListMix) -> Markup:
    series = [Series(_("On the list"), [row.share for row in mix.regions])]
    if any(row.target is not None for row in mix.regions):
        series.append(Series(_("Target"), [row.target or 0.0 for row in mix.regions]))
    return bar_chart(
        _("Guests per region"),
        [label_of(REGION_LABELS, row.code) for row in mix.regions],
        series,
        height=260,
        value_format=_percent,
    )
