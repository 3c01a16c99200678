"""``/organiser/import``: upload a CSV file, see what it would change, confirm the import."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.imports.forms import ConfirmForm, UploadForm
from matchmaker.permissions import organiser_required
from matchmaker.services import imports

bp = Blueprint("imports", __name__, url_prefix="/organiser/import")

PREVIEW_ROWS = 100


@bp.route("/", methods=["GET", "POST"])
@organiser_required
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        storage = form.file.data
        token = imports.store_upload(
            storage.read(), form.what.data, storage.filename or "", user_id=current_user.id
        )
        return redirect(url_for("imports.preview", token=token))
    return render_template(
        "imports/upload.html",
        form=form,
        organisation_columns=imports.ORGANISATION_COLUMNS,
        collaboration_columns=imports.COLLABORATION_COLUMNS,
    )


def _upload_or_404(token: str) -> imports.Upload:
    upload = imports.load_upload(token, user_id=current_user.id)
    if upload is None:
        abort(404)
    return upload


def _render_preview(upload: imports.Upload, report: imports.ImportReport, form, status=200):
    changing = [row for row in report.planned if row.action != "unchanged"]
    return (
        render_template(
            "imports/preview.html",
            upload=upload,
            report=report,
            form=form,
            shown=changing[:PREVIEW_ROWS],
            changing=len(changing),
        ),
        status,
    )


@bp.get("/<token>")
@organiser_required
def preview(token: str):
    upload = _upload_or_404(token)
    check, _run = imports.IMPORTERS[upload.what]
    return _render_preview(upload, check(upload.data), ConfirmForm())


@bp.post("/<token>")
@organiser_required
def confirm(token: str):
    upload = _upload_or_404(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    _check, run = imports.IMPORTERS[upload.what]
    try:
        report = run(upload.data, skip_invalid=form.skip_invalid.data)
    except imports.ImportRefused as refused:
        form.form_errors.append(str(refused))
        return _render_preview(upload, refused.report, form, 422)
    imports.discard_upload(token)
    flash(
        _(
            "Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged, "
            "%(invalid)d invalid rows skipped.",
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            invalid=report.invalid_rows,
        ),
        "success",
    )
    return redirect(url_for("imports.upload"))
