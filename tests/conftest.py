"""Fixtures in the Flask tutorial's shape (``app``, ``client``, ``runner``, ``auth``), run
against SQLite and a throwaway PostgreSQL, with a real SMTP server and a real browser.

Every test that uses ``app`` runs once per database backend (``--db sqlite,postgresql``).
Browser tests run on SQLite, the embedded default; ``postgresql_only`` tests only on PostgreSQL.
The schema is built by running the migrations, once per backend and test process.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from werkzeug.serving import make_server

from matchmaker.app import create_app
from matchmaker.extensions import db
from tests.support.factories import PASSWORD
from tests.support.mail import SmtpSink
from tests.support.postgres import ThrowawayPostgres

BACKENDS = ("sqlite", "postgresql")
CHROMIUM = "/usr/bin/chromium"


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        default=",".join(BACKENDS),
        help="comma-separated database backends to run the suite against (sqlite,postgresql)",
    )


def pytest_configure(config):
    compile_stale_catalogues()


def compile_stale_catalogues() -> None:
    """Tests read compiled catalogues; recompile those older than their .po (as make does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = Path(__file__).resolve().parent.parent / "matchmaker" / "translations"
    for po_path in translations.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        # Each xdist worker may get here at once: write aside, then rename atomically.
        temporary = mo_path.with_suffix(f".{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            write_mo(handle, catalog)
        os.replace(temporary, mo_path)


def pytest_generate_tests(metafunc):
    if "db_backend" not in metafunc.fixturenames:
        return
    chosen = [b for b in metafunc.config.getoption("--db").split(",") if b in BACKENDS]
    if metafunc.definition.get_closest_marker("postgresql_only"):
        chosen = [b for b in chosen if b == "postgresql"]
    elif any(metafunc.definition.get_closest_marker(m) for m in ("browser", "one_database")):
        chosen = chosen[:1]
    metafunc.parametrize("db_backend", chosen)


def make_app(database_url: str, **overrides):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, **overrides)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory, request):
    """A migrated, empty database per backend for this test process, created on first use."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    urls: dict[str, str] = {}
    servers: list[ThrowawayPostgres] = []

    def url_for_backend(backend: str) -> str:
        if backend not in urls:
            if backend == "sqlite":
                url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'matchmaker.db'}"
            else:
                if not servers:
                    servers.append(ThrowawayPostgres().start())
                url = servers[0].create_database(f"matchmaker_{worker}")
            app = make_app(url, INSTANCE_DIR=str(tmp_path_factory.mktemp("instance")))
            with app.app_context():
                upgrade()
                db.engine.dispose()
            urls[backend] = url
        return urls[backend]

    yield url_for_backend
    for server in servers:
        server.stop()


def empty_all_tables() -> None:
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


class FreshGlobalsClient(FlaskClient):
    """A test client whose every request starts with an empty ``g``, as in production.

    Flask reuses the app context the ``app`` fixture keeps pushed, and with it ``g``, where
    Flask-Login keeps the current user and Flask-Babel the locale: without this, the user and
    the language of one request (or one client) would carry over to the next.
    """

    def open(self, *args, **kwargs):
        if not has_app_context():
            return super().open(*args, **kwargs)
        shared = vars(g._get_current_object())
        kept = dict(shared)
        shared.clear()
        try:
            return super().open(*args, **kwargs)
        finally:
            shared.clear()
            shared.update(kept)


@pytest.fixture
def app(db_backend, database_urls, tmp_path):
    """The app on an empty database, with an app context pushed for the test's duration."""
    app = make_app(
        database_urls(db_backend),
        INSTANCE_DIR=str(tmp_path / "instance"),
        MAIL_FOLDER=str(tmp_path / "mail"),
        WTF_CSRF_ENABLED=False,
    )
    app.config["DB_BACKEND"] = db_backend
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        yield app
        db.session.remove()
        empty_all_tables()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = PASSWORD, **extra):
        return self._client.post("/login", data={"email": email, "password": password, **extra})

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class Mailbox:
    """Drains the outbox through the configured backend and shows what was sent (memory)."""

    def __init__(self, app):
        self.app = app

    def drain(self) -> list:
        from matchmaker.mail.drain import drain

        while drain():
            pass
        return self.sent

    @property
    def sent(self) -> list:
        return list(self.app.extensions.get("mail_memory", []))


@pytest.fixture
def mailbox(app):
    return Mailbox(app)


@pytest.fixture(scope="session")
def smtp_sink():
    sink = SmtpSink().start()
    yield sink
    sink.stop()


@pytest.fixture
def smtp(app, smtp_sink):
    """Route the app's mail to the real SMTP server on loopback; ``smtp.messages`` holds it."""
    smtp_sink.clear()
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=smtp_sink.port
    )
    return smtp_sink


@dataclass
class LiveServer:
    url: str


@pytest.fixture
def live_server(app):
    """The app served over HTTP on a free loopback port, with CSRF checks on as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(live_server):
    return {"base_url": live_server.url, "locale": "en-GB", "timezone_id": "Europe/Paris"}
