"""``/notifications``: what happened for the signed-in member; opening the page marks it read."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template
from flask_login import current_user, login_required

from matchmaker.services import notifications

bp = Blueprint("notifications", __name__)


@bp.app_context_processor
def inject_unread_notifications():
    def unread_notifications() -> int:
        if not current_user.is_authenticated or current_user.person is None:
            return 0
        return notifications.unread_count(current_user.person)

    return {"unread_notifications": unread_notifications}


@bp.get("/notifications")
@login_required
def index():
    person = current_user.person
    if person is None:
        abort(404)
    items = notifications.latest(person, current_app.config["NOTIFICATIONS_PAGE_SIZE"])
    unread = {item.id for item in items if item.read_at is None}
    if items and notifications.unread_count(person):
        # Shown now, so read (older ones beyond the page too): highlighted as new this once.
        notifications.mark_read(person, up_to_id=max(item.id for item in items))
    return render_template("notifications/index.html", items=items, unread=unread)
