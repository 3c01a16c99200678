"""Accounts: signing up, confirming addresses, logging in, passwords, email changes and roles.

Each public function is one transaction: it commits, or it raises an :class:`AccountError`
after changing nothing. The one exception is logging in: a refused attempt is recorded (the
throttle counts them) and then reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from matchmaker.domain import OrganisationKind, Region, Role
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import (
    LoginAttempt,
    MailCategory,
    Organisation,
    OutboxMessage,
    Person,
    User,
    utcnow,
)
from matchmaker.passwords import password_problem
from matchmaker.security import (
    TokenError,
    hash_password,
    make_token,
    password_needs_rehash,
    read_token,
    verify_password,
)
from matchmaker.services.matching_changes import mark_parties
from matchmaker.services.organisations import find_by_name
from matchmaker.urls import absolute_url

NAME_MAX = 120
ORGANISATION_NAME_MAX = 200
CITY_MAX = 120
POSITION_MAX = 120
EMAIL_MAX = 254

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"
CHANGE_EMAIL = "change-email"

# A second "send me the link" within this time sends nothing: the form cannot flood an inbox.
RESEND_INTERVAL = timedelta(minutes=1)


# --- Errors -------------------------------------------------------------------------------


class AccountError(Exception):
    """A refusal the person can act on. ``field`` is the form field it belongs to, if any."""

    field: str | None = None

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field


class InvalidInput(AccountError):
    pass


class EmailTaken(AccountError):
    field = "email"


class WeakPassword(AccountError):
    field = "password"


class WrongPassword(AccountError):
    field = "current_password"


class OrganisationNameTaken(AccountError):
    field = "organisation_name"

    def __init__(self, organisation: Organisation):
        super().__init__(
            _(
                "“%(name)s” is already registered: choose it in the list of organisations "
                "instead of registering it again.",
                name=organisation.name,
            )
        )
        self.organisation = organisation


class InvalidLink(AccountError):
    """A link from an email that is forged, altered, expired or already used."""

    def __init__(self, expired: bool):
        super().__init__(
            _("This link has expired.") if expired else _("This link is not valid (any more).")
        )
        self.expired = expired


class LoginRefused(AccountError):
    field = "password"


class EmailNotConfirmed(LoginRefused):
    field = None


class LoginThrottled(LoginRefused):
    field = None

    def __init__(self, retry_after: int):
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            ngettext(
                "Too many failed attempts. Please wait %(num)d minute, then try again.",
                "Too many failed attempts. Please wait %(num)d minutes, then try again.",
                minutes,
            )
        )
        self.retry_after = retry_after


class NotAllowed(AccountError):
    pass


class LastAdmin(AccountError):
    field = "role"


# --- Shared checks --------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """The address as stored: trimmed, lower-case, and shaped like an address."""
    cleaned = (email or "").strip().lower()
    if not cleaned:
        raise InvalidInput(_("Enter your email address."), field="email")
    if len(cleaned) > EMAIL_MAX:
        raise InvalidInput(_("Use at most %(count)d characters.", count=EMAIL_MAX), field="email")
    try:
        validate_email(cleaned, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidInput(
            _("Enter an email address like name@example.org."), field="email"
        ) from None
    return cleaned


def _clean_text(value: str | None, *, limit: int, field: str, required: str | None) -> str:
    cleaned = " ".join((value or "").split())
    if required and not cleaned:
        raise InvalidInput(required, field=field)
    if len(cleaned) > limit:
        raise InvalidInput(_("Use at most %(count)d characters.", count=limit), field=field)
    return cleaned


def _check_password(password: str, email: str) -> None:
    problem = password_problem(password or "", email)
    if problem:
        raise WeakPassword(problem)


def _email_in_use(email: str, *, except_user: User | None = None) -> bool:
    statement = select(User.id).where(User.email == email)
    if except_user is not None:
        statement = statement.where(User.id != except_user.id)
    return db.session.scalar(statement.limit(1)) is not None


def _language(language: str | None) -> str:
    supported = current_app.config["LANGUAGES"]
    return language if language in supported else current_app.config["BABEL_DEFAULT_LOCALE"]


def _commit_unless_email_taken() -> None:
    """Commit; a concurrent sign-up that took the address first becomes a field error."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise EmailTaken(_("An account already uses this email address.")) from None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))


# --- Links sent by email ------------------------------------------------------------------------


def _read_link(purpose: str, token: str, max_age: int) -> dict:
    try:
        payload = read_token(purpose, token, max_age)
    except TokenError as error:
        raise InvalidLink(expired=error.expired) from None
    if not isinstance(payload, dict):
        raise InvalidLink(expired=False)
    return payload


def _user_of(payload: dict) -> User:
    user_id = payload.get("user")
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise InvalidLink(expired=False)
    return user


def _recently_enqueued(template: str, to_email: str) -> bool:
    since = utcnow() - RESEND_INTERVAL
    statement = select(OutboxMessage.id).where(
        OutboxMessage.template == template,
        OutboxMessage.to_email == to_email,
        OutboxMessage.created_at >= since,
    )
    return db.session.scalar(statement.limit(1)) is not None


def _send_link(
    user: User,
    *,
    template: str,
    purpose: str,
    payload: dict,
    endpoint: str,
    max_age_setting: str,
    to_email: str | None = None,
    **context,
) -> None:
    """Queue a transactional message carrying a signed link, in the person's language."""
    token = make_token(purpose, payload)
    enqueue(
        template=template,
        person=user.person,
        to_email=to_email,
        category=MailCategory.TRANSACTIONAL,
        context={
            "link": absolute_url(endpoint, token=token),
            "valid_for": timedelta(seconds=current_app.config[max_age_setting]),
            **context,
        },
    )


def _enqueue_confirmation(user: User) -> None:
    _send_link(
        user,
        template="confirm_email",
        purpose=CONFIRM_EMAIL,
        payload={"user": user.id, "email": user.email},
        endpoint="auth.confirm_email",
        max_age_setting="EMAIL_TOKEN_MAX_AGE_SECONDS",
    )


# --- Sign up and confirm ------------------------------------------------------------------------


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    kind: str
    region: str
    city: str


def _organisation_for_sign_up(
    organisation_id: int | None, new_organisation: NewOrganisation | None
) -> Organisation:
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise InvalidInput(
                _("This organisation is no longer listed: choose another one."),
                field="organisation",
            )
        return organisation
    if new_organisation is None:
        raise InvalidInput(
            _("Choose your organisation in the list, or register a new one."),
            field="organisation",
        )
    name = _clean_text(
        new_organisation.name,
        limit=ORGANISATION_NAME_MAX,
        field="organisation_name",
        required=_("Enter the name of your organisation."),
    )
    if new_organisation.kind not in set(OrganisationKind):
        raise InvalidInput(_("Choose the kind of organisation."), field="organisation_kind")
    if new_organisation.region not in set(Region):
        raise InvalidInput(_("Choose the region."), field="organisation_region")
    city = _clean_text(
        new_organisation.city,
        limit=CITY_MAX,
        field="organisation_city",
        required=_("Enter the city."),
    )
    existing = find_by_name(name)
    if existing is not None:
        raise OrganisationNameTaken(existing)
    organisation = Organisation(
        name=name, kind=new_organisation.kind, region=new_organisation.region, city=city
    )
    db.session.add(organisation)
    return organisation


def sign_up(
    *,
    full_name: str,
    email: str,
    password: str,
    position: str,
    language: str,
    consent: bool,
    organisation_id: int | None = None,
    new_organisation: NewOrganisation | None = None,
) -> User:
    """Create an unconfirmed account, its profile and (if new) its organisation; send the link.

    Give ``organisation_id`` to join a listed organisation, or ``new_organisation``.
    """
    email = normalise_email(email)
    full_name = _clean_text(
        full_name, limit=NAME_MAX, field="full_name", required=_("Enter your full name.")
    )
    position = _clean_text(
        position, limit=POSITION_MAX, field="position", required=_("Enter your role or position.")
    )
    _check_password(password, email)
    if not consent:
        raise InvalidInput(
            _("Membership means being contacted and suggested: tick the box to agree."),
            field="consent",
        )
    if _email_in_use(email):
        raise EmailTaken(_("An account already uses this email address."))
    try:
        organisation = _organisation_for_sign_up(organisation_id, new_organisation)
        user = User(email=email, password_hash=hash_password(password), role=Role.MEMBER.value)
        person = Person(
            user=user,
            organisation=organisation,
            full_name=full_name,
            position=position,
            language=_language(language),
            consent_matching=True,
            consent_given_at=utcnow(),
        )
        db.session.add(person)
        db.session.flush()
        # A newly registered organisation is matched at once; the person once confirmed.
        mark_parties(person, organisation)
        _enqueue_confirmation(user)
        db.session.commit()
    except IntegrityError:
        # Another sign-up took the address between the check above and this commit.
        db.session.rollback()
        raise EmailTaken(_("An account already uses this email address.")) from None
    except Exception:
        db.session.rollback()
        raise
    return user


def confirm_email(token: str) -> User:
    """Mark the address of the account as confirmed; following the link twice is harmless."""
    payload = _read_link(CONFIRM_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"])
    user = _user_of(payload)
    if user.email != payload.get("email"):
        raise InvalidLink(expired=False)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
        mark_parties(user.person)
        db.session.commit()
    return user


def resend_confirmation(email: str) -> None:
    """Send a new link if an unconfirmed account uses this address; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or user.confirmed_at is not None or user.person is None:
        return
    if _recently_enqueued("confirm_email", user.email):
        return
    _enqueue_confirmation(user)
    db.session.commit()


# --- Logging in ---------------------------------------------------------------------------------


@cache
def _dummy_hash() -> str:
    return hash_password("no account has this password")


def _throttle_wait(email: str, address: str, now: datetime) -> int:
    """Seconds before this account or this address may try again; 0 when they may now.

    Failures of an account count since its last successful login (proof of its password);
    failures from an address always count for the whole window, so that a success on one
    account never clears the way for guesses at others.
    """
    config = current_app.config
    window = timedelta(seconds=config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    window_start = now - window
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.created_at > window_start,
        )
    )
    checks = (
        (LoginAttempt.email, email, last_success or window_start,
         config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        (LoginAttempt.address, address, window_start, config["LOGIN_MAX_FAILURES_PER_ADDRESS"]),
    )  # fmt: skip
    wait = timedelta(0)
    for column, value, since, limit in checks:
        recent = db.session.scalars(
            select(LoginAttempt.created_at)
            .where(column == value, LoginAttempt.succeeded.is_(False))
            .where(LoginAttempt.created_at > since)
            .order_by(LoginAttempt.created_at.desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            # Allowed again once the oldest of the last ``limit`` failures leaves the window.
            wait = max(wait, recent[-1] + window - now)
    return math.ceil(wait.total_seconds()) if wait > timedelta(0) else 0


def authenticate(email: str, password: str, address: str | None) -> User:
    """The account these credentials open, or :class:`LoginRefused` (and its subclasses)."""
    email = (email or "").strip().lower()[:EMAIL_MAX]
    address = (address or "unknown")[:64]
    now = utcnow()
    window = timedelta(seconds=current_app.config["LOGIN_THROTTLE_WINDOW_SECONDS"])
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at < now - window))
    wait = _throttle_wait(email, address, now)
    if wait:
        db.session.commit()
        raise LoginThrottled(wait)
    user = db.session.scalar(select(User).where(User.email == email))
    # An unknown address costs the same hash check, so the answer's timing tells nothing.
    password_ok = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not password_ok:
        db.session.add(LoginAttempt(email=email, address=address, succeeded=False, created_at=now))
        db.session.commit()
        raise LoginRefused(_("The email or the password is not right."))
    if not user.is_active:
        db.session.commit()
        raise EmailNotConfirmed(
            _("Please confirm your email address first: follow the link we sent you.")
        )
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    db.session.add(LoginAttempt(email=email, address=address, succeeded=True, created_at=now))
    db.session.commit()
    return user


def load_user_from_session_id(session_id: str) -> User | None:
    """Flask-Login's loader: ``"<id>:<session_version>"``, stale after a password change."""
    user_id, _separator, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version) or not user.is_active:
        return None
    return user


def set_preferred_language(person: Person, language: str) -> None:
    person.language = language
    db.session.commit()


# --- Passwords ----------------------------------------------------------------------------------


def _set_password(user: User, password: str) -> None:
    """New hash, and a new session version: other sessions and pending reset links end."""
    user.password_hash = hash_password(password)
    user.session_version += 1


def request_password_reset(email: str) -> None:
    """Send a reset link if an account uses this address; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or user.person is None or _recently_enqueued("reset_password", user.email):
        return
    _send_link(
        user,
        template="reset_password",
        purpose=RESET_PASSWORD,
        payload={"user": user.id, "version": user.session_version},
        endpoint="auth.reset_password",
        max_age_setting="PASSWORD_RESET_MAX_AGE_SECONDS",
    )
    db.session.commit()


def user_for_password_reset(token: str) -> User:
    """The account a reset link is for, while the link is still usable."""
    payload = _read_link(
        RESET_PASSWORD, token, current_app.config["PASSWORD_RESET_MAX_AGE_SECONDS"]
    )
    user = _user_of(payload)
    # The version moves on with every password change, which makes each link single-use.
    if payload.get("version") != user.session_version:
        raise InvalidLink(expired=False)
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link; the link also proves the address is theirs."""
    user = user_for_password_reset(token)
    _check_password(password, user.email)
    _set_password(user, password)
    if user.confirmed_at is None:
        user.confirmed_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current_password: str, password: str) -> None:
    if not verify_password(user.password_hash, current_password or ""):
        raise WrongPassword(_("Your current password is not right."))
    _check_password(password, user.email)
    if password == current_password:
        raise WeakPassword(_("Choose a password different from your current one."))
    _set_password(user, password)
    db.session.commit()


# --- Changing the email address -----------------------------------------------------------------


def request_email_change(user: User, new_email: str, current_password: str) -> None:
    """Keep the new address aside and send it a confirmation link."""
    if not verify_password(user.password_hash, current_password or ""):
        raise WrongPassword(_("Your current password is not right."))
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise InvalidInput(_("This is already your email address."), field="email")
    if _email_in_use(new_email, except_user=user):
        raise EmailTaken(_("An account already uses this email address."))
    user.pending_email = new_email
    _send_link(
        user,
        template="confirm_new_email",
        purpose=CHANGE_EMAIL,
        payload={"user": user.id, "email": new_email},
        endpoint="account.confirm_email_change",
        max_age_setting="EMAIL_TOKEN_MAX_AGE_SECONDS",
        to_email=new_email,
        new_email=new_email,
    )
    db.session.commit()


def confirm_email_change(token: str) -> User:
    """Switch to the new address and tell the old one, which may belong to someone worried."""
    payload = _read_link(CHANGE_EMAIL, token, current_app.config["EMAIL_TOKEN_MAX_AGE_SECONDS"])
    user = _user_of(payload)
    new_email = payload.get("email")
    # A newer request, a cancellation or an earlier click each leave this link without effect.
    if not new_email or user.pending_email != new_email:
        raise InvalidLink(expired=False)
    if _email_in_use(new_email, except_user=user):
        raise EmailTaken(_("Another account has started using this address in the meantime."))
    old_email = user.email
    user.email = new_email
    user.pending_email = None
    enqueue(
        template="email_changed",
        person=user.person,
        to_email=old_email,
        category=MailCategory.TRANSACTIONAL,
        context={"old_email": old_email, "new_email": new_email},
    )
    _commit_unless_email_taken()
    return user


def cancel_email_change(user: User) -> None:
    user.pending_email = None
    db.session.commit()


# --- Roles and administrators ------------------------------------------------------------------


def set_role(user: User, role: str, *, actor: User | None = None) -> None:
    """Give ``user`` a role. ``actor`` is the admin deciding (``None``: the command line)."""
    if actor is not None and not actor.is_admin:
        raise NotAllowed(_("Only administrators can change roles."))
    if role not in set(Role):
        raise InvalidInput(_("Choose member, organiser or admin."), field="role")
    if user.role == Role.ADMIN and role != Role.ADMIN:
        # Locking the admin rows serialises two admins demoting each other at the same time.
        admins = db.session.scalars(
            select(User.id).where(User.role == Role.ADMIN.value).with_for_update()
        ).all()
        if admins == [user.id]:
            db.session.rollback()
            raise LastAdmin(
                _(
                    "%(email)s is the last administrator: make someone else admin first.",
                    email=user.email,
                )
            )
    user.role = str(role)
    db.session.commit()


def create_admin(email: str, password: str, full_name: str = "", language: str = "") -> User:
    """A confirmed administrator with a profile outside any organisation."""
    email = normalise_email(email)
    if _email_in_use(email):
        raise EmailTaken(_("An account already uses this email address."))
    _check_password(password, email)
    full_name = _clean_text(
        full_name or email.partition("@")[0],
        limit=NAME_MAX,
        field="full_name",
        required=_("Enter your full name."),
    )
    user = User(
        email=email,
        password_hash=hash_password(password),
        role=Role.ADMIN.value,
        confirmed_at=utcnow(),
    )
    db.session.add(Person(user=user, full_name=full_name, language=_language(language)))
    _commit_unless_email_taken()
    return user


def list_users(
    *, search: str = "", role: str = "", page: int = 1, per_page: int = 25
) -> Pagination:
    """Accounts for the admin page, by name; ``search`` looks in names and addresses."""
    statement = (
        select(User)
        .outerjoin(Person)
        .options(selectinload(User.person).selectinload(Person.organisation))
        .order_by(func.lower(Person.full_name), User.email)
    )
    search = " ".join((search or "").split())
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        statement = statement.where(
            or_(
                User.email.ilike(pattern, escape="\\"),
                Person.full_name.ilike(pattern, escape="\\"),
            )
        )
    if role in set(Role):
        statement = statement.where(User.role == role)
    return db.paginate(statement, page=page, per_page=per_page, error_out=False)
