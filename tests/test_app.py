"""The app starts with each configuration and speaks to its database."""

import pytest
from sqlalchemy import text

from config import ProductionConfig
from matchmaker.app import create_app
from matchmaker.extensions import db


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="MATCHMAKER_SECRET_KEY"):
        create_app("production")


def test_unknown_environment_name_is_reported():
    with pytest.raises(RuntimeError, match="MATCHMAKER_ENV"):
        create_app("staging")


def test_database_is_reachable(app):
    assert db.session.execute(text("SELECT 1")).scalar() == 1


def test_home_page_renders_with_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_unknown_page_gets_the_styled_404(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert b"Page not found" in response.data


def test_api_clients_get_json_errors(client):
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.is_json and response.json["status"] == 404


def test_organisers_find_their_tools_on_one_page(client, auth):
    from matchmaker.domain import Role
    from tests.support.factories import make_person

    make_person(email="staff@example.org", role=Role.ORGANISER)
    make_person(email="member@example.org")
    auth.login("member@example.org")
    assert client.get("/organiser").status_code == 403
    auth.logout()
    auth.login("staff@example.org")
    page = client.get("/organiser", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'href="/tags' in page and 'href="/organiser/outbox' in page
    assert 'href="/admin/users' not in page  # admins only


def test_numbers_beyond_what_the_database_stores_are_no_page_not_a_crash(client, auth):
    """Ids and page numbers typed or forged larger than a database integer: 404 with a
    sentence, on SQLite and PostgreSQL alike, in pages, forms, query strings and JSON."""
    from matchmaker.domain import Role
    from tests.support.factories import make_person

    huge = str(10**20)
    make_person(email="staff@example.org", role=Role.ORGANISER, language="en")
    auth.login("staff@example.org")
    requests = [
        ("get", f"/organisations/{huge}", None),
        ("get", f"/projects/{huge}", None),
        ("get", f"/people/{huge}", None),
        ("get", f"/introductions/new?person={huge}", None),
        (
            "post",
            "/suggestions/hide",
            {"kind": "person", "candidate_id": huge, "reason": "not_now"},
        ),
    ]
    for method, url, data in requests:
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, url
        assert "No such number here: it is out of range." in response.text, url
    # The session is usable afterwards (PostgreSQL's failed transaction was rolled back).
    assert client.get("/").status_code == 200
    for listing in ("/organiser/matching/", "/projects/", "/introductions/", "/organiser/outbox/"):
        assert client.get(f"{listing}?page={huge}").status_code in (200, 404), listing
    as_json = client.get(f"/organisations/{huge}", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json["status"] == 404
