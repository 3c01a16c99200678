"""No English left on a French page: every page of the demo cluster, read in French by an
organiser, shows none of the catalogue's English sentences that have a different French
translation (such a sentence on a French page is a string that escaped gettext, or was
translated too early)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from matchmaker.demo import load_demo
from matchmaker.demo.logins import ROLE_EMAILS, demo_password
from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import Event, IntroductionRequest, Organisation, Person
from matchmaker.services import matching

pytestmark = [pytest.mark.one_database, pytest.mark.slow]

FRENCH = (
    Path(__file__).resolve().parent.parent / "matchmaker/translations/fr/LC_MESSAGES/messages.po"
)
SKIPPED_ENDPOINTS = {"static", "auth.logout", "tags.suggest"}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def english_fragments() -> set[str]:
    """Literal runs of English UI sentences whose French differs, long enough to be telling."""
    with FRENCH.open("rb") as handle:
        catalogue = read_po(handle, locale="fr")
    fragments = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, french in zip(ids, strings, strict=False):
            if not english or english == french:
                continue
            for part in PLACEHOLDER.split(english):
                part = part.strip(" .:,;()")
                if len(part) >= 16 and " " in part:
                    fragments.add(part)
    return fragments


class VisibleText(HTMLParser):
    """What a reader sees or hears: text, and the labels given in attributes."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden_depth += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def page_paths(app) -> list[str]:
    """Every GET page, with ids of demo records for the rules that need one."""
    past_event = db.session.scalar(select(Event).order_by(Event.starts_at).limit(1))
    upcoming = db.session.scalar(select(Event).order_by(Event.starts_at.desc()).limit(1))
    ids = {
        "organisation_id": db.session.scalar(select(Organisation.id).limit(1)),
        "person_id": db.session.scalar(
            select(Person.id).where(Person.organisation_id.is_not(None)).limit(1)
        ),
        "request_id": db.session.scalar(select(IntroductionRequest.id).limit(1)),
    }
    paths = [f"/introductions/new?person={ids['person_id']}", "/profile", "/account/mail"]
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        if rule.rule.endswith((".csv", ".ics", ".json")) or "<token>" in rule.rule:
            continue
        arguments = set(rule.arguments)
        if arguments - {"organisation_id", "person_id", "request_id", "event_id"}:
            continue
        events = [past_event, upcoming] if "event_id" in arguments else [None]
        for event in events:
            values = {name: ids[name] for name in arguments if name != "event_id"}
            if event is not None:
                values["event_id"] = event.id
            with app.test_request_context():
                from flask import url_for

                paths.append(url_for(rule.endpoint, **values))
    return sorted(set(paths))


def test_every_page_reads_in_french(app, client):
    load_demo()
    matching.rebuild(trigger="test")
    client.post("/language", data={"language": "fr", "next": "/"})
    visitor_paths = ["/", "/login", "/signup", "/password/forgot", "/confirm/resend"]
    organiser = ROLE_EMAILS[Role.ADMIN]
    fragments = english_fragments()
    assert len(fragments) > 200  # the check is only as good as the catalogue it reads

    leaks = {}

    def check(path: str) -> bool:
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404, 409), path
        if response.status_code != 200 or response.mimetype != "text/html":
            return False
        text = visible_text(response.get_data(as_text=True))
        found = sorted(f for f in fragments if f in text)
        if found:
            leaks[path] = found
        return True

    for path in visitor_paths:
        check(path)
    response = client.post(
        "/login", data={"email": organiser, "password": demo_password(Role.ADMIN)}
    )
    assert response.status_code == 302
    visited = sum(check(path) for path in page_paths(app))
    assert visited > 30
    assert not leaks, "English on French pages:\n" + "\n".join(
        f"{p}: {f}" for p, f in leaks.items()
    )
