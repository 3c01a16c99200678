"""The organisers' dashboard: the page, every table as CSV, the figures as JSON, and the
printable annual report."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from matchmaker.dashboard import charts, tables
from matchmaker.dashboard.forms import DashboardFilterForm, ReportForm, funder_region_label
from matchmaker.exports import csv_response
from matchmaker.permissions import organiser_required
from matchmaker.services import dashboard
from matchmaker.services.dashboard import PARIS, DashboardFilters, FilterError

bp = Blueprint("dashboard", __name__, url_prefix="/organiser/dashboard")

# Rows listed on the page for the long tables (the CSV has them all).
PAGE_ROWS = 25


def _today():
    return datetime.now(PARIS).date()


def _read_filters() -> tuple[DashboardFilterForm, DashboardFilters | None]:
    """The filters from the address; None when they cannot be read (the form says why)."""
    form = DashboardFilterForm(request.args)
    if not form.validate():
        return form, None
    # Without dates: the twelve months up to today (or up to the end given).
    today = _today()
    until = form.until.data or (max(form.since.data, today) if form.since.data else today)
    since = form.since.data or DashboardFilters.last_twelve_months(until).since
    try:
        filters = DashboardFilters(since=since, until=until, region=form.region.data or "")
    except FilterError:
        form.until.errors = [*form.until.errors, _("The end of the period is before its start.")]
        return form, None
    form.since.data, form.until.data = filters.since, filters.until
    return form, filters


def _filter_args(filters: DashboardFilters) -> dict[str, str]:
    args = {"from": filters.since.isoformat(), "to": filters.until.isoformat()}
    if filters.region:
        args["region"] = filters.region
    return args


def _links():
    return {
        "events": lambda event_id: url_for("events.manage", event_id=event_id),
        "funding-rounds": lambda organisation_id: url_for(
            "organisations.show", organisation_id=organisation_id
        ),
        "thin-profiles": lambda kind, party_id: (
            url_for("people.show", person_id=party_id)
            if kind == "person"
            else url_for("organisations.show", organisation_id=party_id)
        ),
    }


def _tables(figures) -> dict[str, tables.Table]:
    links = _links()
    built = {}
    for name, build in tables.TABLES.items():
        built[name] = build(figures, links[name]) if name in links else build(figures)
    return built


def _errors_json(form) -> dict[str, list[str]]:
    return {(field.name): [str(error) for error in field.errors] for field in form if field.errors}


@bp.get("/")
@organiser_required
def index():
    form, filters = _read_filters()
    if filters is None:
        return render_template("dashboard/index.html", form=form, figures=None), 400
    # The page lists the thinnest profiles first; the CSV has them all.
    figures = dashboard.dashboard_figures(filters, thin_limit=PAGE_ROWS)
    built = _tables(figures)
    matching = figures.matching
    return render_template(
        "dashboard/index.html",
        form=form,
        figures=figures,
        tables=built,
        filter_args=_filter_args(filters),
        region_label=funder_region_label(filters.region),
        page_rows=PAGE_ROWS,
        charts={
            "growth": charts.growth_chart(built["members-over-time"]),
            "new_members": charts.new_members_chart(built["members-over-time"]),
            "by_sector": charts.breakdown_chart(built["members-by-sector"]),
            "by_kind": charts.breakdown_chart(built["members-by-kind"]),
            "by_region": charts.breakdown_chart(built["members-by-region"]),
            "by_focus_area": charts.breakdown_chart(built["members-by-focus-area"]),
            "events": charts.events_chart(built["events"]) if figures.events.events else None,
            "events_by_kind": charts.events_by_kind_chart(built["events-by-kind"])
            if figures.events.by_kind
            else None,
            "introductions": charts.introductions_chart(built["introductions-over-time"]),
            "projects": charts.projects_chart(built["projects-per-year"]),
            "project_funding": charts.project_funding_chart(built["projects-per-year"]),
            "consortia": charts.consortia_chart(built["projects-consortia"]),
            "startups": charts.startups_chart(built["startups-per-year"]),
            "funding": charts.funding_chart(built["startups-per-year"]),
            "matching": charts.matching_chart(built["matching-health"]),
            "matching_share": charts.share_chart(
                _(
                    "Members with at least %(count)d good suggestions",
                    count=dashboard.GOOD_SUGGESTIONS_WANTED,
                ),
                [_("People"), _("Organisations")],
                [matching.people_share or 0.0, matching.organisations_share or 0.0],
            ),
        },
        good_score=dashboard.GOOD_SUGGESTION_SCORE,
        good_wanted=dashboard.GOOD_SUGGESTIONS_WANTED,
        thin_characters=dashboard.THIN_PROFILE_CHARACTERS,
    )


@bp.get("/<name>.csv")
@organiser_required
def table_csv(name: str):
    if name not in tables.TABLES:
        abort(404)
    _form, filters = _read_filters()
    if filters is None:
        abort(400, _("The period or the region cannot be read: correct them on the dashboard."))
    table = _tables(dashboard.dashboard_figures(filters))[name]
    filename = f"{name}-{filters.since.isoformat()}-{filters.until.isoformat()}"
    if filters.region:
        filename += f"-{filters.region}"
    return csv_response(filename + ".csv", table.header, table.csv_rows())


@bp.get("/figures.json")
@organiser_required
def figures_json():
    form, filters = _read_filters()
    if filters is None:
        return jsonify(
            error=_("The period or the region cannot be read."),
            status=400,
            fields=_errors_json(form),
        ), 400
    return jsonify(dashboard.as_json(dashboard.dashboard_figures(filters)))


def _read_report() -> tuple[ReportForm, int | None, str]:
    form = ReportForm(request.args, year=_today().year)
    if not form.validate():
        return form, None, ""
    return form, int(form.year.data), form.region.data or ""


@bp.get("/report")
@organiser_required
def report():
    form, year, region = _read_report()
    if year is None:
        return render_template("dashboard/report.html", form=form, report=None), 400
    annual = dashboard.annual_report(year, region)
    return render_template(
        "dashboard/report.html",
        form=form,
        report=annual,
        region_label=funder_region_label(region),
        labels=tables.REPORT_LABELS,
        sections=tables.REPORT_SECTIONS,
        kind_of=tables.report_kind,
        report_args={"year": year, **({"region": region} if region else {})},
    )


@bp.get("/report.csv")
@organiser_required
def report_csv():
    _form, year, region = _read_report()
    if year is None:
        abort(400, _("Enter a year."))
    table = tables.report_table(dashboard.annual_report(year, region))
    filename = f"annual-report-{year}" + (f"-{region}" if region else "")
    return csv_response(filename + ".csv", table.header, table.csv_rows())


@bp.get("/report.json")
@organiser_required
def report_json():
    form, year, region = _read_report()
    if year is None:
        return jsonify(error=_("Enter a year."), status=400, fields=_errors_json(form)), 400
    annual = dashboard.annual_report(year, region)
    return jsonify(
        year=annual.year,
        region=annual.region,
        figures={
            f"{line.section}.{line.key}": {
                "this_year": line.this_year,
                "last_year": line.last_year,
                "change": line.change,
            }
            for line in annual.lines
        },
    )
