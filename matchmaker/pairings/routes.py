"""``/organiser/matching``: the cluster's strongest pairs, vetoes, weights, concepts, rebuilds."""

from __future__ import annotations

import dataclasses

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.domain import KIND_LABELS, REGION_LABELS
from matchmaker.exports import csv_response
from matchmaker.forms import show_error
from matchmaker.pairings.forms import (
    ActionForm,
    ConceptFilterForm,
    ConceptForm,
    PairFilterForm,
    SynonymsForm,
    VetoForm,
    weights_form_class,
)
from matchmaker.permissions import organiser_required
from matchmaker.services import concepts, matching, matching_weights, suggestions
from matchmaker.templating import label_of
from matchmaker.urls import safe_next_url

bp = Blueprint("pairings", __name__, url_prefix="/organiser/matching")

CONCEPTS_PAGE_SIZE = 50
HIDDEN_DAYS = 90


def _filters(form: PairFilterForm) -> suggestions.PairFilters:
    if not form.validate():
        return suggestions.PairFilters()
    return suggestions.PairFilters(
        focus_area=form.focus_area.data or "",
        region=form.region.data or "",
        kind=form.kind.data or "",
        party=form.party.data or "",
    )


def _filter_args(filters: suggestions.PairFilters) -> dict:
    return {key: value for key, value in dataclasses.asdict(filters).items() if value}


@bp.get("/")
@organiser_required
def index():
    form = PairFilterForm(request.args)
    filters = _filters(form)
    page = request.args.get("page", 1, type=int) or 1
    pairs = suggestions.cluster_pairs(
        filters, page=page, per_page=current_app.config["MATCHING_PAIRS_PAGE_SIZE"]
    )
    return render_template(
        "pairings/index.html",
        form=form,
        pairs=pairs,
        filter_args=_filter_args(filters),
        status=matching.matching_status(),
        hidden=suggestions.hidden_counts(days=HIDDEN_DAYS),
        hidden_days=HIDDEN_DAYS,
    )


@bp.get("/pairs.csv")
@organiser_required
def export():
    filters = _filters(PairFilterForm(request.args))
    rows = suggestions.cluster_pairs_for_export(filters)
    header = [
        _("Kind"),
        _("Private side"),
        _("Private organisation"),
        _("Private kind"),
        _("Private region"),
        _("Public side"),
        _("Public organisation"),
        _("Public kind"),
        _("Public region"),
        _("Score"),
        _("Why"),
    ]

    def side(party: suggestions.PairSide) -> list:
        organisation = party.organisation
        return [
            party.name,
            organisation.name if organisation else "",
            label_of(KIND_LABELS, organisation.kind) if organisation else "",
            label_of(REGION_LABELS, organisation.region) if organisation else "",
        ]

    body = (
        [
            _("Person") if row.kind == "person" else _("Organisation"),
            *side(row.private),
            *side(row.public),
            f"{row.score:.3f}",
            " / ".join(line.text for line in row.reasons),
        ]
        for row in rows
    )
    return csv_response("pairs.csv", header, body)


@bp.post("/veto")
@organiser_required
def veto():
    form = VetoForm()
    back = safe_next_url(form.next.data, url_for("pairings.index"))
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(error, "error")
        return redirect(back)
    a = suggestions.parse_party(form.kind.data, form.a_id.data)
    b = suggestions.parse_party(form.kind.data, form.b_id.data)
    if a is None or b is None:
        abort(400)
    try:
        suggestions.veto_pair(a, b, form.reason.data, by=current_user)
    except suggestions.VetoError as error:
        flash(error.message, "error")
    else:
        flash(_("Vetoed: this pair will not be suggested any more."), "success")
    return redirect(back)


@bp.get("/vetoes")
@organiser_required
def vetoes():
    return render_template("pairings/vetoes.html", rows=suggestions.veto_list())


@bp.post("/vetoes/<int:veto_id>/lift")
@organiser_required
def lift(veto_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        suggestions.lift_veto(veto_id, by=current_user)
    except suggestions.VetoError as error:
        flash(error.message, "error")
    else:
        flash(_("The veto is lifted: the pair may be suggested again."), "success")
    return redirect(url_for("pairings.vetoes"))


@bp.route("/weights", methods=["GET", "POST"])
@organiser_required
def weights():
    state = matching_weights.weights_state()
    form_class = weights_form_class()
    form = form_class(data=dataclasses.asdict(state.weights))
    if form.validate_on_submit():
        values = {name: form[name].data for name in matching_weights.weight_names()}
        try:
            matching_weights.save_weights(values, by=current_user)
        except matching_weights.WeightsError as error:
            show_error(form, error.message, error.field)
        else:
            flash(
                _("Weights saved. They apply from the next rebuild, which is now requested."),
                "success",
            )
            return redirect(url_for("pairings.weights"))
    return render_template(
        "pairings/weights.html",
        form=form,
        state=state,
        defaults=dataclasses.asdict(matching_weights.default_weights()),
        channel_names=matching_weights.channel_names(),
        document_names=matching_weights.document_names(),
    )


@bp.post("/weights/reset")
@organiser_required
def reset_weights():
    if not ActionForm().validate_on_submit():
        abort(400)
    matching_weights.reset_weights(by=current_user)
    flash(_("Weights back to their defaults, from the next rebuild (now requested)."), "success")
    return redirect(url_for("pairings.weights"))


def _render_concepts(concept_form: ConceptForm, status: int = 200):
    filter_form = ConceptFilterForm(request.args)
    query = filter_form.q.data if filter_form.validate() else ""
    rows = concepts.concept_overview(query or "")
    page = request.args.get("page", 1, type=int) or 1
    pages = max(1, -(-len(rows) // CONCEPTS_PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = rows[(page - 1) * CONCEPTS_PAGE_SIZE : page * CONCEPTS_PAGE_SIZE]
    return (
        render_template(
            "pairings/concepts.html",
            rows=shown,
            total=len(rows),
            page=page,
            pages=pages,
            query=query,
            filter_form=filter_form,
            concept_form=concept_form,
        ),
        status,
    )


@bp.get("/concepts")
@organiser_required
def concepts_index():
    return _render_concepts(ConceptForm())


@bp.post("/concepts")
@organiser_required
def add_concept():
    form = ConceptForm()
    if form.validate_on_submit():
        try:
            concept = concepts.add_concept(
                form.label_fr.data,
                form.label_en.data,
                concepts.parse_synonyms(form.synonyms.data),
                by=current_user,
            )
        except concepts.ConceptError as error:
            show_error(form, error.message, error.field)
        else:
            flash(
                _(
                    "Concept “%(en)s / %(fr)s” added. It counts from the next rebuild, which is "
                    "now requested.",
                    en=concept.label_en,
                    fr=concept.label_fr,
                ),
                "success",
            )
            return redirect(url_for("pairings.concepts_index", q=concept.label_en))
    return _render_concepts(form, 422)


@bp.post("/concepts/<key>/synonyms")
@organiser_required
def add_synonyms(key: str):
    form = SynonymsForm()
    back = safe_next_url(request.form.get("next"), url_for("pairings.concepts_index"))
    if not form.validate_on_submit():
        flash(_("Enter at least one synonym."), "error")
        return redirect(back)
    try:
        added = concepts.add_synonyms(
            key, concepts.parse_synonyms(form.synonyms.data), by=current_user
        )
    except concepts.ConceptError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Added: %(terms)s. They count from the next rebuild, which is now requested.",
                terms=", ".join(added),
            ),
            "success",
        )
    return redirect(back)


@bp.get("/runs")
@organiser_required
def runs():
    return render_template(
        "pairings/runs.html",
        status=matching.matching_status(),
        runs=matching.recent_runs(),
        action_form=ActionForm(),
    )


@bp.post("/rebuild")
@organiser_required
def request_rebuild_now():
    if not ActionForm().validate_on_submit():
        abort(400)
    matching.ask_for_rebuild(by=current_user)
    flash(_("A rebuild is requested: the scheduler starts it within a minute."), "success")
    return redirect(url_for("pairings.runs"))
