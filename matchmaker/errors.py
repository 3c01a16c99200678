"""Error pages in the app's style, and JSON errors for API clients."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from psycopg.errors import NumericValueOutOfRange
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from matchmaker.extensions import db

ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Not possible now"),
    413: _l("File too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}

ERROR_MESSAGES = {
    400: _l("The request could not be understood. Please go back and try again."),
    403: _l("You are not allowed to see or change this."),
    404: _l("This page does not exist, or it is not visible to you."),
    405: _l("This action is not available here."),
    409: _l("This cannot be done in the current state. Reload the page to see the latest."),
    413: _l("The file you sent is too large."),
    429: _l("Too many attempts in a short time. Please wait a few minutes and try again."),
    500: _l("An unexpected error happened on our side. It has been logged; please try again."),
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def render_error(code: int, message: str | None = None):
    text = message or str(ERROR_MESSAGES.get(code, ERROR_MESSAGES[500]))
    if wants_json():
        return jsonify(error=text, status=code), code
    title = ERROR_TITLES.get(code, ERROR_TITLES[500])
    return render_template("errors/error.html", code=code, title=title, message=text), code


def _number_out_of_range(error: Exception) -> bool:
    """An id or page number beyond what the database stores, typed or forged into a request:
    SQLite refuses it before the query (OverflowError), PostgreSQL in it (out of range)."""
    if isinstance(error, OverflowError):
        return True
    return isinstance(error, DataError) and isinstance(error.orig, NumericValueOutOfRange)


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def handle_csrf(error: CSRFError):
        return render_error(
            400, str(_l("The form expired or was sent from elsewhere. Please try again."))
        )

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        code = error.code or 500
        # Custom descriptions given with abort(code, description) are shown as they are.
        custom = error.description if error.description != type(error).description else None
        return render_error(code, custom)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return handle_http(error)
        if _number_out_of_range(error):
            db.session.rollback()
            return render_error(404, str(_l("No such number here: it is out of range.")))
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
