"""The SMTP backend over STARTTLS and implicit TLS, with login, against a real server."""

import shutil
import socket
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.mail.drain import Drainer
from matchmaker.models import OutboxMessage
from tests.support.factories import make_person

USER, PASSWORD = "relay-user", "relay-password"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    return folder / "cert.pem", folder / "key.pem"


class Handler:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((session.authenticated, envelope.content))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    # handled=False: aiosmtpd then answers 535 itself.
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["starttls", "ssl"])
def tls_server(request, certificate):
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    handler = Handler()
    options = {"authenticator": authenticate}
    if request.param == "ssl":
        # aiosmtpd does not count implicit TLS as TLS for auth_require_tls: the whole
        # connection is encrypted here anyway.
        options.update(ssl_context=server_context, auth_require_tls=False)
    else:
        options.update(tls_context=server_context, require_starttls=True, auth_require_tls=True)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    yield request.param, controller.port, handler, cert
    controller.stop()


def configure(app, security, port, cert, password=PASSWORD):
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SMTP_HOST="127.0.0.1",
        MAIL_SMTP_PORT=port,
        MAIL_SMTP_SECURITY=security,
        MAIL_SMTP_USERNAME=USER,
        MAIL_SMTP_PASSWORD=password,
        MAIL_SMTP_CA_FILE=str(cert),
        MAIL_SMTP_TIMEOUT=5,
    )


def test_tls_and_login(app, tls_server):
    security, port, handler, cert = tls_server
    configure(app, security, port, cert)
    message = enqueue(template="outbox_test", person=make_person(), context={"address": "x"})
    db.session.commit()

    assert Drainer().drain().sent == 1
    ((authenticated, content),) = handler.received
    assert authenticated and message.message_id.encode() in content


def test_wrong_password_is_a_server_failure_retried_later(app, tls_server):
    security, port, handler, cert = tls_server
    configure(app, security, port, cert, password="wrong")
    message = enqueue(template="outbox_test", person=make_person(), context={"address": "x"})
    db.session.commit()

    report = Drainer().drain()
    assert report.retrying == 1 and handler.received == []
    db.session.expire_all()
    row = db.session.get(OutboxMessage, message.id)
    assert row.status == "pending" and row.last_error.startswith("535")
