"""An organisation's page; editing by its members and organisers; creating by organisers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from matchmaker.extensions import db
from matchmaker.forms import show_error
from matchmaker.models import Organisation
from matchmaker.organisations.forms import ActionForm, FundingRoundForm, OrganisationForm
from matchmaker.permissions import organiser_required
from matchmaker.services import fundraising, introductions, organisations
from matchmaker.services.people import visible_members
from matchmaker.services.suggestions import people_suggested_to_members, suggestions_for
from matchmaker.services.tags import format_tag_labels

bp = Blueprint("organisations", __name__, url_prefix="/organisations")


def _organisation_or_404(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    return organisation


@bp.get("/<int:organisation_id>")
@login_required
def show(organisation_id: int):
    return _show(_organisation_or_404(organisation_id))


def _show(organisation: Organisation, round_form: FundingRoundForm | None = None, status=200):
    can_edit = organisations.can_edit_organisation(current_user, organisation)
    # What we suggest to an organisation is for its members and the organisers.
    suggested = None
    if can_edit:
        suggested = {
            "organisations": suggestions_for(
                "organisation", organisation.id, viewer=current_user, limit=6
            ),
            "people": people_suggested_to_members(organisation, viewer=current_user, limit=6),
        }
    return render_template(
        "organisations/show.html",
        organisation=organisation,
        members=visible_members(organisation, current_user),
        can_edit=can_edit,
        suggested=suggested,
        introduction=introductions.request_option(
            current_user, introductions.Target(organisation=organisation)
        ),
        funding_rounds=fundraising.rounds_of(organisation) if can_edit else [],
        round_form=(round_form or FundingRoundForm(formdata=None))
        if fundraising.can_declare(current_user, organisation)
        else None,
        round_kind_labels=fundraising.ROUND_KIND_LABELS,
    ), status


@bp.post("/<int:organisation_id>/funding-rounds")
@login_required
def declare_round(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    if not fundraising.can_declare(current_user, organisation):
        abort(403)
    form = FundingRoundForm()
    if form.validate_on_submit():
        data = fundraising.RoundData(
            raised_on=form.raised_on.data,
            amount_eur=form.amount_eur.data,
            kind=form.kind.data,
            investors=form.investors.data or "",
        )
        try:
            fundraising.declare_round(organisation, data, by=current_user)
        except fundraising.FundraisingError as error:
            show_error(form, error.message, error.field)
        else:
            flash(_("The funding round is recorded."), "success")
            return redirect(
                url_for("organisations.show", organisation_id=organisation.id) + "#funding-heading"
            )
    return _show(organisation, form, status=400)


@bp.post("/<int:organisation_id>/funding-rounds/<int:round_id>/delete")
@login_required
def remove_round(organisation_id: int, round_id: int):
    organisation = _organisation_or_404(organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        fundraising.remove_round(organisation, round_id, by=current_user)
    except fundraising.FundraisingError as error:
        abort(error.status)
    flash(_("The funding round is removed."), "success")
    return redirect(
        url_for("organisations.show", organisation_id=organisation.id) + "#funding-heading"
    )


def _data_from(form: OrganisationForm) -> organisations.OrganisationData:
    return organisations.OrganisationData(
        name=form.name.data or "",
        kind=form.kind.data,
        region=form.region.data,
        city=form.city.data or "",
        website=form.website.data,
        description=form.description.data or "",
        offer=form.offer.data or "",
        looking_for=form.looking_for.data or "",
        focus_areas=form.focus_areas.data or [],
        tag_labels=form.tags.labels,
        founded_year=form.founded_year.data,
        cluster_startup=form.cluster_startup.data,
        startup_created_on=form.startup_created_on.data,
        introductions_via_staff=form.introductions_via_staff.data,
    )


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    if not organisations.can_edit_organisation(current_user, organisation):
        abort(403)
    form = OrganisationForm(obj=organisation)
    if not form.is_submitted():
        form.tags.data = format_tag_labels(organisation.tags)
    if form.validate_on_submit():
        try:
            organisations.update_organisation(organisation, _data_from(form), by=current_user)
        except organisations.OrganisationError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("The organisation's profile is saved."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=organisation)


@bp.route("/new", methods=["GET", "POST"])
@organiser_required
def create():
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = organisations.create_organisation(_data_from(form), by=current_user)
        except organisations.OrganisationError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(_("The organisation is created."), "success")
            return redirect(url_for("organisations.show", organisation_id=organisation.id))
    return render_template("organisations/edit.html", form=form, organisation=None)
