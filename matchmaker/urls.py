"""URLs that leave the site (emails, calendar files) are built from the configured base URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL from ``MATCHMAKER_BASE_URL``, valid inside or outside a request.

    The request's Host header is never trusted for links that go into emails.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    return adapter.build(endpoint, values, force_external=True)


def site_path(endpoint: str, **values) -> str:
    """The path (and query) of a page of this site, inside or outside a request: for links
    stored in the database and shown later on a page."""
    parts = urlsplit(absolute_url(endpoint, **values))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def safe_next_url(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after login or a language switch."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target
