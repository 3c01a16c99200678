"""The demo's logins: passwords derived from the instance's secret key, printed on demand.

Deriving the passwords (rather than storing them) lets ``demo load --if-empty`` print them again
at every start, and keeps them different on every installation with its own secret key.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from matchmaker.demo.generator import ADMIN_EMAIL, MEMBER_EMAIL, ORGANISER_EMAIL
from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import User
from matchmaker.security import verify_password

_WORDS = (
    "anchor",
    "amber",
    "basil",
    "beacon",
    "birch",
    "cactus",
    "canal",
    "cedar",
    "cobalt",
    "comet",
    "coral",
    "delta",
    "dune",
    "ember",
    "fern",
    "fjord",
    "garnet",
    "glacier",
    "harbor",
    "hazel",
    "helix",
    "heron",
    "indigo",
    "iris",
    "jasper",
    "juniper",
    "kelp",
    "lagoon",
    "lantern",
    "lilac",
    "lumen",
    "maple",
    "marble",
    "meadow",
    "nectar",
    "nova",
    "oasis",
    "onyx",
    "orchid",
    "otter",
    "pebble",
    "pepper",
    "prism",
    "quartz",
    "quill",
    "raven",
    "reef",
    "saffron",
    "sequoia",
    "sierra",
    "spruce",
    "tango",
    "thistle",
    "tidal",
    "topaz",
    "tulip",
    "umber",
    "velvet",
    "violet",
    "walnut",
    "willow",
    "yarrow",
    "zephyr",
    "zinnia",
)

ROLE_EMAILS = {
    Role.ORGANISER: ORGANISER_EMAIL,
    Role.ADMIN: ADMIN_EMAIL,
    Role.MEMBER: MEMBER_EMAIL,
}
ROLE_TITLES = {
    Role.ORGANISER: _l("Organiser"),
    Role.ADMIN: _l("Admin"),
    Role.MEMBER: _l("Demo member"),
}


def demo_password(role: Role | str) -> str:
    """Four words and two digits, the same for a role as long as the secret key is."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"matchmaker-demo-password:{role}".encode(), hashlib.sha256).digest()
    words = [_WORDS[byte % len(_WORDS)] for byte in digest[:4]]
    return "-".join(words) + f"-{digest[4] % 90 + 10}"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    # False when the account is missing or its password was changed since the demo was loaded.
    works: bool

    @property
    def title(self) -> str:
        return str(ROLE_TITLES[self.role])


def demo_logins() -> list[DemoLogin]:
    emails = list(ROLE_EMAILS.values())
    users = {
        user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))
    }
    logins = []
    for role, email in ROLE_EMAILS.items():
        password = demo_password(role)
        user = users.get(email)
        works = (
            user is not None and user.is_active and verify_password(user.password_hash, password)
        )
        logins.append(DemoLogin(role=role, email=email, password=password, works=works))
    return logins
