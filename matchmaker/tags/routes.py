"""Tag suggestions (JSON, for the tag fields) and the organisers' tags page."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from matchmaker.permissions import organiser_required
from matchmaker.services import tags
from matchmaker.tags.forms import MergeTagsForm, TagFilterForm

bp = Blueprint("tags", __name__, url_prefix="/tags")

SUGGEST_QUERY_MAX = 80
SUGGEST_LIMIT_MAX = 20


def _json_error(message: str, status: int):
    return jsonify(error=message, status=status), status


@bp.get("/suggest")
def suggest():
    """``GET /tags/suggest?q=mono[&limit=10]``.

    Answers ``{"query": ..., "tags": [{"label", "uses", "matched"}]}``; 401 or 400 with
    ``{"error": ...}`` otherwise.
    """
    if not current_user.is_authenticated:
        return _json_error(_("Please log in to see this page."), 401)
    query = request.args.get("q", "")
    if not query.strip():
        return _json_error(_("Give the beginning of a tag in the q parameter."), 400)
    if len(query) > SUGGEST_QUERY_MAX:
        return _json_error(
            _("The query is too long: %(max)d characters at most.", max=SUGGEST_QUERY_MAX), 400
        )
    limit_text = request.args.get("limit", str(tags.SUGGESTION_LIMIT))
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= SUGGEST_LIMIT_MAX:
        return _json_error(
            _("The limit must be a number from 1 to %(max)d.", max=SUGGEST_LIMIT_MAX), 400
        )
    suggestions = tags.suggest_tags(query, limit=int(limit_text))
    return jsonify(query=query, tags=[suggestion.as_json() for suggestion in suggestions])


def _render_index(merge_form: MergeTagsForm):
    filter_form = TagFilterForm(request.args)
    query = filter_form.q.data if filter_form.validate() else ""
    rows = tags.tag_overview(query or "")
    return render_template(
        "tags/index.html",
        rows=rows,
        merge_form=merge_form,
        filter_form=filter_form,
        query=query,
        chosen_target=merge_form.target.data,
        chosen_sources=set(merge_form.sources.data or []),
    )


@bp.get("")
@organiser_required
def index():
    return _render_index(MergeTagsForm())


@bp.post("/merge")
@organiser_required
def merge():
    form = MergeTagsForm()
    if form.validate_on_submit():
        if not form.sources.data:
            form.sources.errors.append(_("Tick at least one tag to merge."))
        else:
            try:
                result = tags.merge_tags(
                    form.target.data,
                    form.sources.data,
                    by=current_user,
                    label_fr=form.label_fr.data or "",
                    label_en=form.label_en.data or "",
                )
            except tags.TagError as error:
                form.sources.errors.append(str(error))
            else:
                flash(
                    _(
                        "Merged into “%(target)s”: %(labels)s.",
                        target=result.target.label,
                        labels=", ".join(tag.label for tag in result.merged),
                    ),
                    "success",
                )
                return redirect(url_for("tags.index", q=request.args.get("q") or None))
    return _render_index(form)
