"""Role guards for views. Object-level checks (who may edit what) live in the services."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def organiser_required(view):
    """Organisers and admins only; others get 403, visitors are sent to the login page."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_organiser:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
