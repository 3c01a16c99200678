"""Introductions: a member asks to meet someone, both opt in, the staff broker and follow up.

Every public function that changes something is one use case and one commit (nothing is
written when it raises); the mail and in-app notifications it decides are queued inside that
transaction. Status changes are compare-and-set updates (``UPDATE … WHERE status IN …``): two
clicks, two tabs or two schedulers never accept, decline, remind or expire a request twice.

Who may do what is decided here, against the signed-in user (or the person an emailed link
was sent to) and the request's current state:

* a request is seen by its requester, its recipient once it reached them, and the staff
  (organisers and admins); anyone else gets :class:`NotFound`;
* the recipient accepts, declines or asks the staff to join; the requester withdraws; both
  mark "we met" and "a project started"; the staff forward or decline brokered requests and
  nudge stale ones. Anything else is :class:`Forbidden`, and a request no longer in the right
  state is a :class:`Conflict`.

Figures for organisers and the dashboard: :func:`acceptance_rate`,
:func:`median_time_to_answer` and :func:`introduction_figures`.
"""

from __future__ import annotations

import calendar
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased, selectinload
from sqlalchemy.sql.elements import ColumnElement

from matchmaker.domain import (
    INTRODUCED_STATUSES,
    INTRODUCTION_NEXT_STEPS,
    OPEN_INTRODUCTION_STATUSES,
    IntroductionPurpose,
    IntroductionStatus,
    IntroductionStep,
    Role,
    cluster_region_is,
)
from matchmaker.extensions import db
from matchmaker.mail import enqueue
from matchmaker.models import (
    ConnectionVia,
    IntroductionBlock,
    IntroductionEvent,
    IntroductionRequest,
    MailCategory,
    Organisation,
    OrganisationFocusArea,
    PartyKind,
    Person,
    Suggestion,
    User,
    utcnow,
)
from matchmaker.security import TokenError, make_recipient_token, read_recipient_token
from matchmaker.services import committed
from matchmaker.services.connections import add_connection
from matchmaker.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
)
from matchmaker.services.notifications import notify
from matchmaker.services.people import get_visible_person, visible_members, were_introduced
from matchmaker.services.suggestions import render_reasons
from matchmaker.urls import absolute_url, site_path

PARIS = ZoneInfo("Europe/Paris")
WEEK = timedelta(days=7)
TOKEN_PURPOSE = "introduction"
MESSAGE_MIN = 20
MESSAGE_MAX = 2000
NOTE_MAX = 1000
REASONS_SHOWN = 6

STATUS = IntroductionStatus
# The recipient has it and may answer: delivered directly, or forwarded by the staff.
_AWAITS_RECIPIENT = or_(
    IntroductionRequest.status == STATUS.FORWARDED.value,
    and_(
        IntroductionRequest.status == STATUS.REQUESTED.value,
        IntroductionRequest.needs_review.is_(False),
    ),
)
_AWAITS_STAFF = and_(
    IntroductionRequest.status == STATUS.REQUESTED.value,
    IntroductionRequest.needs_review.is_(True),
)
_IS_OPEN = IntroductionRequest.status.in_([s.value for s in OPEN_INTRODUCTION_STATUSES])
_INTRODUCED = IntroductionRequest.status.in_([s.value for s in INTRODUCED_STATUSES])


# -- errors -----------------------------------------------------------------------------------


class LimitReached(ServiceError):
    status = 429


class LinkError(ServiceError):
    """An emailed link that is forged, altered, expired, or not for this request."""

    status = 404


# -- small helpers ----------------------------------------------------------------------------


def _config(name: str):
    return current_app.config[name]


def add_months(moment: datetime, months: int) -> datetime:
    """The same day ``months`` later (earlier when negative), clamped to the month's end."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _paris_day(moment: datetime) -> date:
    return moment.astimezone(PARIS).date()


def _day(moment: datetime) -> str:
    return format_date(moment, "long")


def _tidy(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").strip()


def _staff_users() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.role.in_([Role.ORGANISER.value, Role.ADMIN.value]),
                User.confirmed_at.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _requester_of(user) -> Person:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Forbidden(_("Log in to request an introduction."))
    if user.person is None:
        raise Forbidden(_("Complete your profile before requesting an introduction."))
    return user.person


# -- reasons ----------------------------------------------------------------------------------


def describe_reasons(reasons: list | None, language: str, limit: int = REASONS_SHOWN) -> list[str]:
    """What two parties have in common, as words in ``language``, strongest first: the items
    of the suggestion's reason lines (see ``suggestions.render_reasons``)."""
    words: list[str] = []
    for line in render_reasons(list(reasons or []), language):
        for item in line.items:
            if item.casefold() not in {word.casefold() for word in words}:
                words.append(item)
    return words[:limit]


def _stored_suggestion(a: tuple[str, int], b: tuple[str, int]) -> Suggestion | None:
    """The engine's suggestion between two parties, in either direction (a's own first)."""
    rows = db.session.scalars(
        select(Suggestion).where(
            or_(
                and_(
                    Suggestion.source_kind == a[0],
                    Suggestion.source_id == a[1],
                    Suggestion.candidate_kind == b[0],
                    Suggestion.candidate_id == b[1],
                ),
                and_(
                    Suggestion.source_kind == b[0],
                    Suggestion.source_id == b[1],
                    Suggestion.candidate_kind == a[0],
                    Suggestion.candidate_id == a[1],
                ),
            )
        )
    ).all()
    rows = sorted(rows, key=lambda s: (s.source_kind != a[0] or s.source_id != a[1], s.id))
    return rows[0] if rows else None


@dataclass(frozen=True)
class Target:
    """Whom a member asks to meet: a person, or an organisation (the staff choose who)."""

    person: Person | None = None
    organisation: Organisation | None = None

    @property
    def kind(self) -> str:
        return PartyKind.PERSON.value if self.person is not None else PartyKind.ORGANISATION.value

    @property
    def name(self) -> str:
        if self.person is not None:
            return self.person.full_name
        assert self.organisation is not None
        return self.organisation.name


def suggestion_between(requester: Person, target: Target) -> Suggestion | None:
    """The stored suggestion that explains this introduction: between the two people, else
    between their organisations."""
    if target.person is not None:
        found = _stored_suggestion(
            (PartyKind.PERSON.value, requester.id), (PartyKind.PERSON.value, target.person.id)
        )
        if found is not None:
            return found
        organisation_id = target.person.organisation_id
    else:
        assert target.organisation is not None
        organisation_id = target.organisation.id
    if requester.organisation_id is None or organisation_id is None:
        return None
    return _stored_suggestion(
        (PartyKind.ORGANISATION.value, requester.organisation_id),
        (PartyKind.ORGANISATION.value, organisation_id),
    )


# -- who may ask whom ---------------------------------------------------------------------------


def find_target(
    user, *, person_id: int | None = None, organisation_id: int | None = None
) -> Target:
    """The person or organisation asked for, if ``user`` may see it; else :class:`NotFound`."""
    if person_id:
        person = get_visible_person(person_id, user)
        if person is None:
            raise NotFound(_("This person does not exist, or their profile is not visible to you."))
        return Target(person=person)
    if organisation_id:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFound(_("This organisation does not exist."))
        return Target(organisation=organisation)
    raise NotFound(_("Choose the person or the organisation you would like to meet."))


def requestable_members(organisation: Organisation, user) -> list[Person]:
    """The organisation's members ``user`` may see and ask to meet (they take requests)."""
    own_id = user.person.id if getattr(user, "person", None) is not None else None
    return [
        person
        for person in visible_members(organisation, user)
        if person.consent_matching and person.id != own_id
    ]


def _requests_to(target: Target, requester: Person):
    statement = select(IntroductionRequest).where(IntroductionRequest.requester_id == requester.id)
    if target.person is not None:
        return statement.where(
            or_(
                IntroductionRequest.target_person_id == target.person.id,
                IntroductionRequest.recipient_id == target.person.id,
            )
        )
    assert target.organisation is not None
    return statement.where(IntroductionRequest.target_organisation_id == target.organisation.id)


def _blocks(blocker_id: int, blocked_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    IntroductionBlock.blocker_id == blocker_id,
                    IntroductionBlock.blocked_id == blocked_id,
                )
            )
        )
    )


def _weekly_refusal(requester: Person, now: datetime) -> LimitReached | None:
    limit = int(_config("INTRODUCTIONS_PER_WEEK"))
    recent = list(
        db.session.scalars(
            select(IntroductionRequest.created_at)
            .where(
                IntroductionRequest.requester_id == requester.id,
                IntroductionRequest.created_at > now - WEEK,
            )
            .order_by(IntroductionRequest.created_at)
        )
    )
    if len(recent) < limit:
        return None
    # The window slides: a new request fits once enough of these are a week old.
    free_from = recent[len(recent) - limit] + WEEK if limit > 0 else now + WEEK
    return LimitReached(
        ngettext(
            "You have made %(num)d introduction request in the last 7 days, the most allowed. "
            "You can make a new one from %(date)s.",
            "You have made %(num)d introduction requests in the last 7 days, the most allowed. "
            "You can make a new one from %(date)s.",
            len(recent),
            date=_day(free_from),
        )
    )


def check_may_request(user, target: Target, *, now: datetime | None = None) -> None:
    """Raise the reason ``user`` may not ask to meet ``target`` now, if there is one."""
    now = now or utcnow()
    requester = _requester_of(user)
    person, organisation = target.person, target.organisation
    if person is not None:
        if person.id == requester.id:
            raise Conflict(_("You cannot ask to be introduced to yourself."))
        if requester.organisation_id is not None and person.organisation_id == (
            requester.organisation_id
        ):
            raise Conflict(
                _(
                    "%(name)s works in your organisation: no introduction needed.",
                    name=person.full_name,
                )
            )
        if not person.consent_matching:
            raise Conflict(
                _(
                    "%(name)s does not take introduction requests at the moment.",
                    name=person.full_name,
                )
            )
        if were_introduced(requester, person):
            raise Conflict(
                _(
                    "You were already introduced to %(name)s: their contact details are on "
                    "their profile.",
                    name=person.full_name,
                )
            )
    else:
        assert organisation is not None
        if organisation.id == requester.organisation_id:
            raise Conflict(_("This is your own organisation."))

    existing = db.session.scalar(
        _requests_to(target, requester).where(_IS_OPEN).order_by(IntroductionRequest.id.desc())
    )
    if existing is not None:
        raise Conflict(
            _(
                "You already asked to meet %(name)s on %(date)s; that request is still open.",
                name=target.name,
                date=_day(existing.created_at),
            )
        )
    if person is not None and _blocks(person.id, requester.id):
        raise Conflict(
            _("%(name)s does not take introduction requests from you.", name=person.full_name)
        )
    months = int(_config("INTRODUCTIONS_REPEAT_AFTER_DECLINE_MONTHS"))
    declined = db.session.scalar(
        _requests_to(target, requester)
        .where(
            IntroductionRequest.status == STATUS.DECLINED.value,
            IntroductionRequest.declined_by == "recipient",
            IntroductionRequest.answered_at > add_months(now, -months),
        )
        .order_by(IntroductionRequest.answered_at.desc())
    )
    if declined is not None:
        raise Conflict(
            _(
                "%(name)s declined your request on %(date)s. You can ask again from %(again)s.",
                name=target.name,
                date=_day(declined.answered_at),
                again=_day(add_months(declined.answered_at, months)),
            )
        )
    refusal = _weekly_refusal(requester, now)
    if refusal is not None:
        raise refusal


@dataclass(frozen=True)
class RequestOption:
    """For a profile page: may the viewer ask to meet this target, and what stands between."""

    allowed: bool
    refusal: str | None = None
    # The viewer's latest request to this target, to link to it.
    latest: IntroductionRequest | None = None


def request_option(user, target: Target, *, now: datetime | None = None) -> RequestOption | None:
    """None for visitors and the target themself; else whether the button is offered."""
    if not getattr(user, "is_authenticated", False) or user.person is None:
        return None
    if target.person is not None and target.person.id == user.person.id:
        return None
    if target.organisation is not None and target.organisation.id == user.person.organisation_id:
        return None
    latest = db.session.scalar(
        _requests_to(target, user.person).order_by(IntroductionRequest.created_at.desc()).limit(1)
    )
    try:
        check_may_request(user, target, now=now)
    except ServiceError as error:
        return RequestOption(allowed=False, refusal=error.message, latest=latest)
    return RequestOption(allowed=True, latest=latest)


# -- requesting --------------------------------------------------------------------------------


def _needs_review(target: Target) -> bool:
    if target.organisation is not None:
        return True  # the staff choose who in the organisation answers
    person = target.person
    assert person is not None
    return bool(
        person.introductions_via_staff
        or (person.organisation is not None and person.organisation.introductions_via_staff)
    )


def _record(
    request: IntroductionRequest,
    step: IntroductionStep,
    *,
    actor: User | None,
    now: datetime,
    note: str = "",
    private: bool = False,
) -> None:
    db.session.add(
        IntroductionEvent(
            request=request,
            step=step.value,
            actor_id=actor.id if actor is not None else None,
            note=note,
            note_private=private,
            created_at=now,
        )
    )


def _validate(purpose: str, message: str) -> str:
    if purpose not in {p.value for p in IntroductionPurpose}:
        raise InvalidInput(_("Choose what the introduction is for."), field="purpose")
    message = _tidy(message)
    if len(message) < MESSAGE_MIN:
        raise InvalidInput(
            _(
                "Write a few words for them: at least %(min)d characters.",
                min=MESSAGE_MIN,
            ),
            field="message",
        )
    if len(message) > MESSAGE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=MESSAGE_MAX), field="message")
    return message


def request_introduction(
    user,
    *,
    purpose: str,
    message: str,
    person_id: int | None = None,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> IntroductionRequest:
    """``user`` asks to meet a person or an organisation; one commit.

    The engine's suggestion between them (if any) is copied onto the request. Brokered
    targets and organisations go to the staff first; others reach the recipient at once, by
    email (links that work without logging in) and in-app notification.
    """
    now = now or utcnow()
    message = _validate(purpose, message)
    target = find_target(user, person_id=person_id, organisation_id=organisation_id)
    requester = _requester_of(user)
    try:
        # Serialises one member's requests on PostgreSQL, so the weekly limit holds.
        db.session.execute(select(Person.id).where(Person.id == requester.id).with_for_update())
        check_may_request(user, target, now=now)
        suggestion = suggestion_between(requester, target)
        request = IntroductionRequest(
            requester=requester,
            target_kind=target.kind,
            target_person=target.person,
            target_organisation=target.organisation,
            recipient=target.person,
            purpose=purpose,
            message=message,
            reasons=list(suggestion.reasons or []) if suggestion is not None else [],
            score=suggestion.score if suggestion is not None else None,
            status=STATUS.REQUESTED.value,
            needs_review=_needs_review(target),
            staff_involved=False,
            created_at=now,
            updated_at=now,
            expires_at=now + timedelta(days=int(_config("INTRODUCTIONS_EXPIRY_DAYS"))),
        )
        db.session.add(request)
        _record(request, IntroductionStep.REQUESTED, actor=user, now=now)
        db.session.flush()
        if request.needs_review:
            request.staff_involved = True
            _tell_staff(request, "introduction_review", _l("An introduction request waits for you"))
        else:
            _deliver(request, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return request


def answer_token(request: IntroductionRequest) -> str:
    """The signed key of the recipient's emailed links: this request, this person only."""
    assert request.recipient_id is not None
    return make_recipient_token(TOKEN_PURPOSE, request.recipient_id, request=request.id)


def _answer_links(request: IntroductionRequest) -> dict[str, str]:
    token = answer_token(request)
    return {
        "view_url": absolute_url("introductions.answer", token=token),
        "accept_url": absolute_url("introductions.answer", token=token, action="accept"),
        "decline_url": absolute_url("introductions.answer", token=token, action="decline"),
        "request_url": absolute_url("introductions.show", request_id=request.id),
    }


def _mail_context(request: IntroductionRequest, reader: Person | None) -> dict:
    language = reader.language if reader is not None else current_app.config["BABEL_DEFAULT_LOCALE"]
    recipient = request.recipient
    return {
        "request": request,
        "requester": request.requester,
        "recipient": recipient,
        "reasons": describe_reasons(request.reasons, language),
        "next_step": INTRODUCTION_NEXT_STEPS.get(request.purpose),
        "request_url": absolute_url("introductions.show", request_id=request.id),
        "requester_url": absolute_url("people.show", person_id=request.requester_id),
        "recipient_url": absolute_url("people.show", person_id=recipient.id)
        if recipient is not None
        else None,
        "directory_url": absolute_url("directory.index"),
    }


def _deliver(request: IntroductionRequest, now: datetime, note: str = "") -> None:
    """The request reaches its recipient: their answer period starts now."""
    recipient = request.recipient
    assert recipient is not None
    request.delivered_at = now
    request.expires_at = now + timedelta(days=int(_config("INTRODUCTIONS_EXPIRY_DAYS")))
    enqueue(
        template="introduction_request",
        person=recipient,
        category=MailCategory.INTRODUCTIONS,
        dedupe_key=f"introduction:{request.id}:request",
        context={**_mail_context(request, recipient), **_answer_links(request), "note": note},
    )
    _tell(
        recipient,
        "introduction.received",
        _l("%(name)s would like to be introduced to you.", name=request.requester.full_name),
        request,
    )


def _tell(person: Person, kind: str, text, request: IntroductionRequest):
    """An in-app notification about this request, linking to it."""
    return notify(person, kind, text, link=site_path("introductions.show", request_id=request.id))


def _tell_staff(request: IntroductionRequest, template: str, text, note: str = "") -> None:
    """Every organiser gets an email and a notification (their work, so always sent)."""
    for user in _staff_users():
        enqueue(
            template=template,
            person=user.person,
            to_email=user.email,
            category=MailCategory.TRANSACTIONAL,
            dedupe_key=f"introduction:{request.id}:{template}:{user.id}",
            context={**_mail_context(request, user.person), "note": note},
        )
        if user.person is not None:
            _tell(
                user.person,
                "introduction.staff",
                text,
                request,
            )


# -- reading ------------------------------------------------------------------------------------


def roles_of(user, request: IntroductionRequest) -> set[str]:
    """ "requester", "recipient" (once it reached them) and "staff": what ``user`` is to it."""
    roles: set[str] = set()
    if not getattr(user, "is_authenticated", False):
        return roles
    if user.is_organiser:
        roles.add("staff")
    person = user.person
    if person is not None:
        if person.id == request.requester_id:
            roles.add("requester")
        if person.id == request.recipient_id and request.delivered_at is not None:
            roles.add("recipient")
    return roles


def get_request(request_id: int, user) -> IntroductionRequest:
    """The request if ``user`` is one of its two parties or staff; else :class:`NotFound`."""
    request = db.session.get(IntroductionRequest, request_id)
    if request is None or not roles_of(user, request):
        raise NotFound(_("This introduction request does not exist, or it is not yours to see."))
    return request


@dataclass(frozen=True)
class AnswerLink:
    request: IntroductionRequest
    person: Person


def read_answer_link(token: str) -> AnswerLink:
    """The request and recipient an emailed link is for; nothing is changed."""
    max_age = int(_config("INTRODUCTIONS_LINK_MAX_AGE_DAYS")) * 24 * 3600
    try:
        claims = read_recipient_token(TOKEN_PURPOSE, token, max_age)
    except TokenError as error:
        if error.expired:
            raise LinkError(
                _("This link has expired. Log in to see your introductions.")
            ) from error
        raise LinkError(_("This link is not valid. Log in to see your introductions.")) from error
    request_id = claims.data.get("request")
    request = (
        db.session.get(IntroductionRequest, request_id) if isinstance(request_id, int) else None
    )
    if request is None:
        raise LinkError(_("This link is not valid. Log in to see your introductions."))
    person = db.session.get(Person, claims.person_id)
    if person is None or request.recipient_id != person.id or request.delivered_at is None:
        raise Forbidden(_("This link was not sent to the person this request is for."))
    return AnswerLink(request=request, person=person)


def history_for(request: IntroductionRequest, user) -> list[IntroductionEvent]:
    """The request's history as ``user`` may read it (private notes hidden from others)."""
    roles = roles_of(user, request)
    may_read_private = "staff" in roles or "recipient" in roles
    return [event for event in request.events if may_read_private or not event.note_private]


def may_read_decline_reason(request: IntroductionRequest, roles: set[str]) -> bool:
    return bool(request.decline_reason) and (
        "staff" in roles or "recipient" in roles or request.decline_reason_shared
    )


# -- changing state -----------------------------------------------------------------------------


def _state_message(request: IntroductionRequest) -> str:
    """Why a request cannot take this action any more, from its state now."""
    status = request.status
    if status in (STATUS.ACCEPTED, STATUS.MET, STATUS.PROJECT_STARTED):
        return _("This introduction was already accepted.")
    if status == STATUS.DECLINED:
        return _("This request was declined.")
    if status == STATUS.EXPIRED:
        return _("This request expired without an answer.")
    if status == STATUS.WITHDRAWN:
        return _("This request was withdrawn.")
    if request.awaits_staff:
        return _("This request is waiting for the cluster staff.")
    return _("This request is waiting for an answer.")


def _move(
    request: IntroductionRequest,
    status: IntroductionStatus | None,
    *,
    only_if: ColumnElement[bool],
    now: datetime,
    conflict: str | None = None,
    **values,
) -> None:
    """Change the request only if ``only_if`` still holds in the database; else roll back and
    raise :class:`Conflict` (someone or something changed it first)."""
    if status is not None:
        values["status"] = status.value
    result = db.session.execute(
        update(IntroductionRequest)
        .where(IntroductionRequest.id == request.id, only_if)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise Conflict(conflict or _state_message(request))
    db.session.refresh(request)


def _require(roles: set[str], role: str, message: str) -> None:
    if role not in roles:
        raise Forbidden(message)


def _introduce(request: IntroductionRequest, now: datetime) -> None:
    """They know each other now: one Connection, and no more suggestions of the pair."""
    requester, recipient = request.requester, request.recipient
    assert recipient is not None
    add_connection(
        (PartyKind.PERSON.value, requester.id),
        (PartyKind.PERSON.value, recipient.id),
        via=ConnectionVia.INTRODUCTION,
        source_ref=request.id,
        occurred_on=_paris_day(now),
        created_at=now,
    )


def _send_introduction(request: IntroductionRequest) -> None:
    """One email to each of the two, with the other's contact details; the staff copied when
    they brokered it. Transactional: both asked for it."""
    requester, recipient = request.requester, request.recipient
    assert recipient is not None
    for reader, other in ((requester, recipient), (recipient, requester)):
        enqueue(
            template="introduction_made",
            person=reader,
            category=MailCategory.TRANSACTIONAL,
            dedupe_key=f"introduction:{request.id}:introduced:{reader.id}",
            reply_to=other.email,
            context={**_mail_context(request, reader), "other": other, "for_staff": False},
        )
    if request.staff_involved:
        copied = [request.broker] if request.broker is not None else _staff_users()
        for user in copied:
            if user is None or user.id in (requester.user_id, recipient.user_id):
                continue
            enqueue(
                template="introduction_made",
                person=user.person,
                to_email=user.email,
                category=MailCategory.TRANSACTIONAL,
                dedupe_key=f"introduction:{request.id}:introduced:staff:{user.id}",
                context={**_mail_context(request, user.person), "other": None, "for_staff": True},
            )


def _accept(request: IntroductionRequest, person: Person, actor: User, now: datetime):
    def work():
        _move(
            request,
            STATUS.ACCEPTED,
            only_if=and_(_AWAITS_RECIPIENT, IntroductionRequest.recipient_id == person.id),
            now=now,
            answered_at=now,
            closed_at=now,
        )
        _record(request, IntroductionStep.ACCEPTED, actor=actor, now=now)
        _introduce(request, now)
        _send_introduction(request)
        _tell(
            request.requester,
            "introduction.accepted",
            _l(
                "%(name)s accepted your introduction request: their contact details are on "
                "the request.",
                name=person.full_name,
            ),
            request,
        )
        return request

    return committed(work)


def accept(request_id: int, *, by, now: datetime | None = None) -> IntroductionRequest:
    """The recipient accepts: both are introduced by email, contact details are unlocked."""
    request = get_request(request_id, by)
    _require(
        roles_of(by, request), "recipient", _("Only the person asked can accept this request.")
    )
    return _accept(request, by.person, by, now or utcnow())


def accept_by_link(token: str, *, now: datetime | None = None) -> IntroductionRequest:
    """The recipient accepts from the emailed link (after a confirmation click)."""
    link = read_answer_link(token)
    return _accept(link.request, link.person, link.person.user, now or utcnow())


def _decline(
    request: IntroductionRequest,
    person: Person,
    actor: User,
    now: datetime,
    *,
    reason: str,
    share_reason: bool,
    block: bool,
):
    reason = _tidy(reason)
    if len(reason) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_MAX), field="reason")
    shared = bool(share_reason and reason)

    def work():
        _move(
            request,
            STATUS.DECLINED,
            only_if=and_(_AWAITS_RECIPIENT, IntroductionRequest.recipient_id == person.id),
            now=now,
            declined_by="recipient",
            decline_reason=reason,
            decline_reason_shared=shared,
            answered_at=now,
            closed_at=now,
        )
        _record(
            request,
            IntroductionStep.DECLINED,
            actor=actor,
            now=now,
            note=reason,
            private=not shared,
        )
        if block:
            _add_block(person, request.requester_id, now)
        enqueue(
            template="introduction_declined",
            person=request.requester,
            category=MailCategory.INTRODUCTIONS,
            dedupe_key=f"introduction:{request.id}:declined",
            context={
                **_mail_context(request, request.requester),
                "by_staff": False,
                "reason": reason if shared else "",
            },
        )
        _tell(
            request.requester,
            "introduction.declined",
            _l("%(name)s declined your introduction request.", name=person.full_name),
            request,
        )
        return request

    return committed(work)


def decline(
    request_id: int,
    *,
    by,
    reason: str = "",
    share_reason: bool = False,
    block: bool = False,
    now: datetime | None = None,
) -> IntroductionRequest:
    """The recipient declines, with a reason the requester reads only if ``share_reason``;
    ``block`` also stops further requests from the requester."""
    request = get_request(request_id, by)
    _require(
        roles_of(by, request), "recipient", _("Only the person asked can decline this request.")
    )
    return _decline(
        request,
        by.person,
        by,
        now or utcnow(),
        reason=reason,
        share_reason=share_reason,
        block=block,
    )


def decline_by_link(
    token: str,
    *,
    reason: str = "",
    share_reason: bool = False,
    block: bool = False,
    now: datetime | None = None,
) -> IntroductionRequest:
    link = read_answer_link(token)
    return _decline(
        link.request,
        link.person,
        link.person.user,
        now or utcnow(),
        reason=reason,
        share_reason=share_reason,
        block=block,
    )


def _ask_staff(request: IntroductionRequest, person: Person, actor: User, now: datetime, note: str):
    note = _tidy(note)
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_MAX), field="note")

    def work():
        _move(
            request,
            None,
            only_if=and_(
                _AWAITS_RECIPIENT,
                IntroductionRequest.recipient_id == person.id,
                IntroductionRequest.staff_involved.is_(False),
            ),
            now=now,
            conflict=_("The cluster staff are already part of this introduction.")
            if request.staff_involved and request.is_open
            else None,
            staff_involved=True,
        )
        _record(request, IntroductionStep.ORGANISER_ASKED, actor=actor, now=now, note=note)
        _tell_staff(
            request,
            "introduction_staff_asked",
            _l(
                "%(name)s would like an organiser to join an introduction.",
                name=person.full_name,
            ),
            note,
        )
        _tell(
            request.requester,
            "introduction.staff_asked",
            _l(
                "%(name)s asked the cluster staff to join your introduction request.",
                name=person.full_name,
            ),
            request,
        )
        return request

    return committed(work)


def ask_staff(request_id: int, *, by, note: str = "", now: datetime | None = None):
    """The recipient asks an organiser to join before answering; the staff are then copied on
    the introduction."""
    request = get_request(request_id, by)
    _require(
        roles_of(by, request), "recipient", _("Only the person asked can ask the staff to join.")
    )
    return _ask_staff(request, by.person, by, now or utcnow(), note)


def ask_staff_by_link(token: str, *, note: str = "", now: datetime | None = None):
    link = read_answer_link(token)
    return _ask_staff(link.request, link.person, link.person.user, now or utcnow(), note)


def withdraw(request_id: int, *, by, now: datetime | None = None) -> IntroductionRequest:
    """The requester takes back an open request."""
    now = now or utcnow()
    request = get_request(request_id, by)
    _require(roles_of(by, request), "requester", _("Only the requester can withdraw this request."))

    def work():
        _move(request, STATUS.WITHDRAWN, only_if=_IS_OPEN, now=now, closed_at=now)
        _record(request, IntroductionStep.WITHDRAWN, actor=by, now=now)
        if request.recipient is not None and request.delivered_at is not None:
            _tell(
                request.recipient,
                "introduction.withdrawn",
                _l(
                    "%(name)s withdrew their introduction request.",
                    name=request.requester.full_name,
                ),
                request,
            )
        return request

    return committed(work)


def _other_party(request: IntroductionRequest, person: Person) -> Person | None:
    return request.recipient if person.id == request.requester_id else request.requester


def mark_met(request_id: int, *, by, now: datetime | None = None) -> IntroductionRequest:
    """Either of the two says they met."""
    now = now or utcnow()
    request = get_request(request_id, by)
    roles = roles_of(by, request)
    if not roles & {"requester", "recipient"}:
        raise Forbidden(_("Only the two people introduced can say they met."))
    conflict = (
        _("You already told us you met.")
        if request.status in (STATUS.MET, STATUS.PROJECT_STARTED)
        else None
    )

    def work():
        _move(
            request,
            STATUS.MET,
            only_if=IntroductionRequest.status == STATUS.ACCEPTED.value,
            now=now,
            conflict=conflict,
            met_at=now,
        )
        _record(request, IntroductionStep.MET, actor=by, now=now)
        other = _other_party(request, by.person)
        if other is not None:
            _tell(
                other,
                "introduction.met",
                _l("%(name)s noted that you met.", name=by.person.full_name),
                request,
            )
        return request

    return committed(work)


def mark_project_started(
    request_id: int, *, by, now: datetime | None = None
) -> IntroductionRequest:
    """Either of the two says a project started; their organisations now count as partners."""
    now = now or utcnow()
    request = get_request(request_id, by)
    roles = roles_of(by, request)
    if not roles & {"requester", "recipient"}:
        raise Forbidden(_("Only the two people introduced can say a project started."))
    conflict = (
        _("You already told us a project started.")
        if request.status == STATUS.PROJECT_STARTED
        else None
    )

    def work():
        _move(
            request,
            STATUS.PROJECT_STARTED,
            only_if=IntroductionRequest.status.in_([STATUS.ACCEPTED.value, STATUS.MET.value]),
            now=now,
            conflict=conflict,
            met_at=func.coalesce(IntroductionRequest.met_at, now),
            project_started_at=now,
        )
        _record(request, IntroductionStep.PROJECT_STARTED, actor=by, now=now)
        _connect_organisations(request, now)
        other = _other_party(request, by.person)
        if other is not None:
            _tell(
                other,
                "introduction.project",
                _l("%(name)s noted that a project started between you.", name=by.person.full_name),
                request,
            )
        return request

    return committed(work)


def _connect_organisations(request: IntroductionRequest, now: datetime) -> None:
    """A project between their people makes the two organisations partners (for the engine's
    history, and to stop suggesting them to each other)."""
    recipient = request.recipient
    first = request.requester.organisation_id
    second = recipient.organisation_id if recipient is not None else None
    if first is None or second is None or first == second:
        return
    add_connection(
        (PartyKind.ORGANISATION.value, first),
        (PartyKind.ORGANISATION.value, second),
        via=ConnectionVia.COLLABORATION,
        source_ref=request.id,
        occurred_on=_paris_day(now),
        created_at=now,
    )


# -- the staff ----------------------------------------------------------------------------------


def _require_staff(user) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_organiser:
        raise Forbidden(_("Only the cluster staff can do this."))


def forward(
    request_id: int,
    *,
    by,
    recipient_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> IntroductionRequest:
    """The staff pass a brokered request on to its recipient (for an organisation: the member
    they choose), with an optional note; the recipient's answer period starts."""
    now = now or utcnow()
    request = get_request(request_id, by)
    _require_staff(by)
    if by.person is not None and by.person.id == request.requester_id:
        raise Forbidden(_("Another organiser must review your own request."))
    note = _tidy(note)
    if len(note) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_MAX), field="note")
    if not request.awaits_staff:
        raise Conflict(_state_message(request))
    if request.target_person is not None:
        recipient = request.target_person
    else:
        recipient = db.session.get(Person, recipient_id) if recipient_id else None
        if recipient is None or recipient.organisation_id != request.target_organisation_id:
            raise InvalidInput(
                _("Choose the member of the organisation who should answer."), field="recipient"
            )
    if recipient.id == request.requester_id:
        raise InvalidInput(_("The requester cannot answer their own request."), field="recipient")
    if _blocks(recipient.id, request.requester_id):
        raise InvalidInput(
            _(
                "%(name)s does not take introduction requests from the requester.",
                name=recipient.full_name,
            ),
            field="recipient",
        )

    def work():
        _move(
            request,
            STATUS.FORWARDED,
            only_if=_AWAITS_STAFF,
            now=now,
            recipient_id=recipient.id,
            broker_id=by.id,
            staff_involved=True,
        )
        _record(request, IntroductionStep.FORWARDED, actor=by, now=now, note=note)
        _deliver(request, now, note=note)
        _tell(
            request.requester,
            "introduction.forwarded",
            _l(
                "The cluster staff forwarded your introduction request to %(name)s.",
                name=recipient.full_name,
            ),
            request,
        )
        return request

    return committed(work)


def decline_as_staff(
    request_id: int, *, by, reason: str, now: datetime | None = None
) -> IntroductionRequest:
    """The staff decline a brokered request, with a reason the requester reads."""
    now = now or utcnow()
    request = get_request(request_id, by)
    _require_staff(by)
    reason = _tidy(reason)
    if not reason:
        raise InvalidInput(_("Tell the requester why, in a few words."), field="reason")
    if len(reason) > NOTE_MAX:
        raise InvalidInput(_("At most %(max)d characters.", max=NOTE_MAX), field="reason")

    def work():
        _move(
            request,
            STATUS.DECLINED,
            only_if=_AWAITS_STAFF,
            now=now,
            declined_by="staff",
            decline_reason=reason,
            decline_reason_shared=True,
            broker_id=by.id,
            answered_at=now,
            closed_at=now,
        )
        _record(request, IntroductionStep.DECLINED, actor=by, now=now, note=reason)
        enqueue(
            template="introduction_declined",
            person=request.requester,
            category=MailCategory.INTRODUCTIONS,
            dedupe_key=f"introduction:{request.id}:declined",
            context={
                **_mail_context(request, request.requester),
                "by_staff": True,
                "reason": reason,
            },
        )
        _tell(
            request.requester,
            "introduction.declined",
            _l(
                "The cluster staff declined your introduction request to %(name)s.",
                name=request.target_name,
            ),
            request,
        )
        return request

    return committed(work)


def join_as_staff(request_id: int, *, by, now: datetime | None = None) -> IntroductionRequest:
    """An organiser answers the recipient's call: they are copied on the introduction."""
    now = now or utcnow()
    request = get_request(request_id, by)
    _require_staff(by)

    def work():
        _move(
            request,
            None,
            only_if=and_(
                _IS_OPEN,
                or_(
                    IntroductionRequest.broker_id.is_(None), IntroductionRequest.broker_id != by.id
                ),
            ),
            now=now,
            conflict=_("You already joined this introduction.")
            if request.broker_id == by.id and request.is_open
            else None,
            broker_id=by.id,
            staff_involved=True,
        )
        _record(request, IntroductionStep.ORGANISER_JOINED, actor=by, now=now)
        return request

    return committed(work)


def next_nudge_at(request: IntroductionRequest) -> datetime | None:
    if request.last_nudged_at is None:
        return None
    return request.last_nudged_at + timedelta(
        days=int(_config("INTRODUCTIONS_NUDGE_INTERVAL_DAYS"))
    )


def nudge(request_id: int, *, by, now: datetime | None = None) -> IntroductionRequest:
    """The staff email the recipient of a waiting request again (once per interval)."""
    now = now or utcnow()
    request = get_request(request_id, by)
    _require_staff(by)
    if not request.awaits_recipient:
        raise Conflict(_state_message(request))
    interval = timedelta(days=int(_config("INTRODUCTIONS_NUDGE_INTERVAL_DAYS")))
    again = next_nudge_at(request)
    too_soon = (
        _(
            "The recipient was reminded on %(date)s; you can remind them again from %(again)s.",
            date=_day(request.last_nudged_at),
            again=_day(again),
        )
        if again is not None and again > now
        else None
    )
    if too_soon:
        raise Conflict(too_soon)

    def work():
        _move(
            request,
            None,
            only_if=and_(
                _AWAITS_RECIPIENT,
                or_(
                    IntroductionRequest.last_nudged_at.is_(None),
                    IntroductionRequest.last_nudged_at <= now - interval,
                ),
            ),
            now=now,
            last_nudged_at=now,
            nudge_count=IntroductionRequest.nudge_count + 1,
        )
        _record(request, IntroductionStep.NUDGED, actor=by, now=now)
        _remind(request, f"introduction:{request.id}:nudge:{request.nudge_count}", by_staff=True)
        return request

    return committed(work)


def _remind(request: IntroductionRequest, dedupe_key: str, *, by_staff: bool) -> None:
    recipient = request.recipient
    assert recipient is not None
    enqueue(
        template="introduction_reminder",
        person=recipient,
        category=MailCategory.INTRODUCTIONS,
        dedupe_key=dedupe_key,
        context={
            **_mail_context(request, recipient),
            **_answer_links(request),
            "by_staff": by_staff,
        },
    )
    _tell(
        recipient,
        "introduction.reminder",
        _l(
            "%(name)s is still waiting for your answer to their introduction request.",
            name=request.requester.full_name,
        ),
        request,
    )


# -- scheduled jobs -----------------------------------------------------------------------------


def send_reminders(now: datetime | None = None) -> int:
    """Remind recipients once, a week after a request reached them. Returns how many.

    Safe when two schedulers run it: each request is claimed by a conditional update, and its
    mail has a dedupe key."""
    now = now or utcnow()
    after = timedelta(days=int(_config("INTRODUCTIONS_REMINDER_DAYS")))
    due = and_(
        _AWAITS_RECIPIENT,
        IntroductionRequest.reminded_at.is_(None),
        IntroductionRequest.delivered_at <= now - after,
        IntroductionRequest.expires_at > now,
    )
    ids = list(db.session.scalars(select(IntroductionRequest.id).where(due).order_by("id")))
    sent = 0
    try:
        for request_id in ids:
            claimed = db.session.execute(
                update(IntroductionRequest)
                .where(IntroductionRequest.id == request_id, due)
                .values(reminded_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                continue
            request = db.session.get(IntroductionRequest, request_id)
            assert request is not None
            db.session.refresh(request)
            _record(request, IntroductionStep.REMINDED, actor=None, now=now)
            _remind(request, f"introduction:{request.id}:reminder", by_staff=False)
            sent += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return sent


def expire_stale(now: datetime | None = None) -> int:
    """Close the open requests whose answer period ended; the requester is told. Returns how
    many. Safe when two schedulers run it."""
    now = now or utcnow()
    due = and_(_IS_OPEN, IntroductionRequest.expires_at <= now)
    ids = list(db.session.scalars(select(IntroductionRequest.id).where(due).order_by("id")))
    expired = 0
    try:
        for request_id in ids:
            claimed = db.session.execute(
                update(IntroductionRequest)
                .where(IntroductionRequest.id == request_id, due)
                .values(status=STATUS.EXPIRED.value, closed_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                continue
            request = db.session.get(IntroductionRequest, request_id)
            assert request is not None
            db.session.refresh(request)
            _record(request, IntroductionStep.EXPIRED, actor=None, now=now)
            enqueue(
                template="introduction_expired",
                person=request.requester,
                category=MailCategory.INTRODUCTIONS,
                dedupe_key=f"introduction:{request.id}:expired",
                context=_mail_context(request, request.requester),
            )
            _tell(
                request.requester,
                "introduction.expired",
                _l(
                    "Your introduction request to %(name)s expired without an answer.",
                    name=request.target_name,
                ),
                request,
            )
            expired += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return expired


# -- blocking -----------------------------------------------------------------------------------


def _add_block(blocker: Person, blocked_id: int, now: datetime) -> bool:
    if blocker.id == blocked_id or _blocks(blocker.id, blocked_id):
        return False
    db.session.add(IntroductionBlock(blocker_id=blocker.id, blocked_id=blocked_id, created_at=now))
    return True


def block_requester(request_id: int, *, by, now: datetime | None = None) -> IntroductionRequest:
    """The recipient stops all requests from this requester; an open request is declined."""
    now = now or utcnow()
    request = get_request(request_id, by)
    _require(
        roles_of(by, request), "recipient", _("Only the person asked can block the requester.")
    )
    if request.awaits_recipient:
        return _decline(request, by.person, by, now, reason="", share_reason=False, block=True)

    def work():
        _add_block(by.person, request.requester_id, now)
        return request

    return committed(work)


def unblock(person: Person, blocked_id: int) -> bool:
    """``person`` takes requests from ``blocked_id`` again; False if they were not blocked."""

    def work():
        return bool(
            db.session.execute(
                delete(IntroductionBlock).where(
                    IntroductionBlock.blocker_id == person.id,
                    IntroductionBlock.blocked_id == blocked_id,
                )
            ).rowcount
        )

    return committed(work)


def blocked_people(person: Person) -> list[IntroductionBlock]:
    return list(
        db.session.scalars(
            select(IntroductionBlock)
            .where(IntroductionBlock.blocker_id == person.id)
            .options(selectinload(IntroductionBlock.blocked))
            .order_by(IntroductionBlock.created_at.desc())
        )
    )


def has_blocked(person: Person, other_id: int) -> bool:
    return _blocks(person.id, other_id)


# -- lists --------------------------------------------------------------------------------------

_LOAD = (
    selectinload(IntroductionRequest.requester).selectinload(Person.organisation),
    selectinload(IntroductionRequest.recipient).selectinload(Person.organisation),
    selectinload(IntroductionRequest.target_person),
    selectinload(IntroductionRequest.target_organisation),
)

# Sections of "My introductions", in the order a member deals with them.
GROUPS = ("to_answer", "waiting", "introduced", "closed")
GROUP_LABELS = {
    "to_answer": _l("Waiting for your answer"),
    "waiting": _l("Waiting for an answer"),
    "introduced": _l("Introduced"),
    "closed": _l("Closed"),
}


def group_of(request: IntroductionRequest, person: Person) -> str:
    if request.is_open:
        if request.recipient_id == person.id and request.awaits_recipient:
            return "to_answer"
        return "waiting"
    return "introduced" if request.introduced else "closed"


@dataclass
class MyIntroductions:
    sent: list[IntroductionRequest]
    received: list[IntroductionRequest]

    def grouped(self, person: Person, requests: list[IntroductionRequest]):
        """(group, label, requests) for the groups that have any, in :data:`GROUPS` order."""
        groups: dict[str, list[IntroductionRequest]] = {key: [] for key in GROUPS}
        for request in requests:
            groups[group_of(request, person)].append(request)
        return [(key, GROUP_LABELS[key], groups[key]) for key in GROUPS if groups[key]]


def my_introductions(person: Person) -> MyIntroductions:
    """The requests a member sent, and those that reached them, newest first."""
    order = (IntroductionRequest.created_at.desc(), IntroductionRequest.id.desc())
    sent = db.session.scalars(
        select(IntroductionRequest)
        .where(IntroductionRequest.requester_id == person.id)
        .options(*_LOAD)
        .order_by(*order)
    ).all()
    received = db.session.scalars(
        select(IntroductionRequest)
        .where(
            IntroductionRequest.recipient_id == person.id,
            IntroductionRequest.delivered_at.is_not(None),
        )
        .options(*_LOAD)
        .order_by(*order)
    ).all()
    return MyIntroductions(sent=list(sent), received=list(received))


def next_action(request: IntroductionRequest, user) -> str:
    """What should happen next, said to ``user`` (a party or the staff)."""
    roles = roles_of(user, request)
    status = request.status
    other = request.recipient.full_name if request.recipient is not None else request.target_name
    if request.awaits_staff:
        if "staff" in roles:
            return _("Forward it to the recipient, or decline it.")
        return _("The cluster staff will review your request and pass it on.")
    if request.is_open:
        if "recipient" in roles:
            return _("Accept or decline before %(date)s.", date=_day(request.expires_at))
        if "requester" in roles:
            return _(
                "Waiting for %(name)s's answer until %(date)s.",
                name=other,
                date=_day(request.expires_at),
            )
        return _(
            "Waiting for the recipient's answer until %(date)s.", date=_day(request.expires_at)
        )
    if status == STATUS.ACCEPTED:
        return _("Get in touch, then tell us when you have met.")
    if status == STATUS.MET:
        return _("Did a project start? Tell us, it helps the cluster.")
    if status == STATUS.PROJECT_STARTED:
        return _("A project started: well done.")
    if status == STATUS.DECLINED and "requester" in roles and request.declined_by == "recipient":
        months = int(_config("INTRODUCTIONS_REPEAT_AFTER_DECLINE_MONTHS"))
        return _(
            "You can ask again from %(date)s.",
            date=_day(add_months(request.answered_at or request.updated_at, months)),
        )
    return ""


@dataclass(frozen=True)
class StaffFilters:
    """The organisers' list: by status, age, the requester's sector, a focus area of either
    side's organisation."""

    status: str = "open"
    older_than_days: int | None = None
    sector: str = ""
    focus_area: str = ""


def _filtered(statement, sector: str, focus_area: str, region: str = ""):
    requester = aliased(Person)
    requester_organisation = aliased(Organisation)
    if sector:
        statement = (
            statement.join(requester, requester.id == IntroductionRequest.requester_id)
            .join(requester_organisation, requester_organisation.id == requester.organisation_id)
            .where(requester_organisation.sector == sector)
        )
    if focus_area:
        statement = statement.where(
            exists().where(
                OrganisationFocusArea.focus_area == focus_area,
                OrganisationFocusArea.organisation_id.in_(_organisations_of_both_sides()),
            )
        )
    if region:
        statement = statement.where(
            exists().where(
                Organisation.id.in_(_organisations_of_both_sides()),
                cluster_region_is(Organisation.region, region),
            )
        )
    return statement


def _organisations_of_both_sides() -> list:
    """The requester's organisation, the recipient's, and the organisation asked (if any)."""
    recipient = aliased(Person)
    requester_side = aliased(Person)
    return [
        select(requester_side.organisation_id)
        .where(requester_side.id == IntroductionRequest.requester_id)
        .correlate(IntroductionRequest)
        .scalar_subquery(),
        select(recipient.organisation_id)
        .where(recipient.id == IntroductionRequest.recipient_id)
        .correlate(IntroductionRequest)
        .scalar_subquery(),
        IntroductionRequest.target_organisation_id,
    ]


def staff_query(filters: StaffFilters, *, now: datetime | None = None):
    now = now or utcnow()
    statement = select(IntroductionRequest)
    status = filters.status
    if status == "open":
        statement = statement.where(_IS_OPEN)
    elif status == "awaits_staff":
        statement = statement.where(_AWAITS_STAFF)
    elif status == "awaits_recipient":
        statement = statement.where(_AWAITS_RECIPIENT)
    elif status in {s.value for s in STATUS}:
        statement = statement.where(IntroductionRequest.status == status)
    if filters.older_than_days:
        statement = statement.where(
            IntroductionRequest.created_at <= now - timedelta(days=filters.older_than_days)
        )
    statement = _filtered(statement, filters.sector, filters.focus_area)
    return statement.options(*_LOAD).order_by(
        IntroductionRequest.created_at.desc(), IntroductionRequest.id.desc()
    )


def list_for_staff(filters: StaffFilters, *, page: int, per_page: int, now: datetime | None = None):
    """One page of the organisers' list (a Flask-SQLAlchemy pagination)."""
    return db.paginate(staff_query(filters, now=now), page=page, per_page=per_page, error_out=False)


# -- figures ------------------------------------------------------------------------------------


def _period(statement, since: datetime | None, until: datetime | None):
    if since is not None:
        statement = statement.where(IntroductionRequest.created_at >= since)
    if until is not None:
        statement = statement.where(IntroductionRequest.created_at < until)
    return statement


_ANSWERED_BY_RECIPIENT = or_(
    _INTRODUCED,
    and_(
        IntroductionRequest.status == STATUS.DECLINED.value,
        IntroductionRequest.declined_by == "recipient",
    ),
)


def acceptance_rate(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sector: str = "",
    focus_area: str = "",
    region: str = "",
) -> float | None:
    """Share of the requests that reached a recipient and were settled (accepted, declined by
    them, or expired unanswered) that were accepted; None when there are none.

    Requests the staff declined, withdrawn ones and those still open are not counted. Made in
    ``[since, until)`` (creation time); ``sector`` is the requester's, ``focus_area`` and
    ``region`` (a cluster region or "other", see :func:`matchmaker.domain.cluster_region`)
    either side's organisation's."""
    settled = or_(
        _ANSWERED_BY_RECIPIENT,
        and_(
            IntroductionRequest.status == STATUS.EXPIRED.value,
            IntroductionRequest.delivered_at.is_not(None),
        ),
    )
    statement = (
        select(func.count(), func.count().filter(_INTRODUCED))
        .select_from(IntroductionRequest)
        .where(settled)
    )
    total, accepted = db.session.execute(
        _filtered(_period(statement, since, until), sector, focus_area, region)
    ).one()
    return accepted / total if total else None


def median_time_to_answer(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sector: str = "",
    focus_area: str = "",
    region: str = "",
) -> timedelta | None:
    """Median time between a request reaching its recipient and their answer (accept or
    decline); None when nobody answered. Same filters as :func:`acceptance_rate`."""
    statement = select(IntroductionRequest.delivered_at, IntroductionRequest.answered_at).where(
        _ANSWERED_BY_RECIPIENT,
        IntroductionRequest.delivered_at.is_not(None),
        IntroductionRequest.answered_at.is_not(None),
    )
    statement = _filtered(_period(statement, since, until), sector, focus_area, region)
    rows = db.session.execute(statement).all()
    durations = [answered - delivered for delivered, answered in rows]
    if not durations:
        return None
    seconds = statistics.median(d.total_seconds() for d in durations)
    return timedelta(seconds=round(seconds))


@dataclass(frozen=True)
class IntroductionFigures:
    requested: int
    open: int
    introduced: int
    declined: int
    expired: int
    met: int
    projects: int
    acceptance_rate: float | None
    median_time_to_answer: timedelta | None


def introduction_figures(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sector: str = "",
    focus_area: str = "",
    region: str = "",
) -> IntroductionFigures:
    """Counts by outcome and the two rates, for the organisers' page and the dashboard."""
    status = IntroductionRequest.status
    statement = select(
        func.count(),
        func.count().filter(_IS_OPEN),
        func.count().filter(_INTRODUCED),
        func.count().filter(status == STATUS.DECLINED.value),
        func.count().filter(status == STATUS.EXPIRED.value),
        func.count().filter(status.in_([STATUS.MET.value, STATUS.PROJECT_STARTED.value])),
        func.count().filter(status == STATUS.PROJECT_STARTED.value),
    ).select_from(IntroductionRequest)
    statement = _filtered(_period(statement, since, until), sector, focus_area, region)
    row = db.session.execute(statement).one()
    filters = {
        "since": since,
        "until": until,
        "sector": sector,
        "focus_area": focus_area,
        "region": region,
    }
    return IntroductionFigures(
        *(int(value) for value in row),
        acceptance_rate=acceptance_rate(**filters),
        median_time_to_answer=median_time_to_answer(**filters),
    )


def requests_per_period(
    boundaries: list[datetime], *, sector: str = "", focus_area: str = "", region: str = ""
) -> list[tuple[int, int]]:
    """For each period ``[boundaries[i], boundaries[i + 1])``: the requests made in it, and how
    many of those led to an introduction. One query, whatever the number of periods."""
    created = IntroductionRequest.created_at
    columns = []
    for start, end in pairwise(boundaries):
        within = and_(created >= start, created < end)
        columns += [func.count().filter(within), func.count().filter(within, _INTRODUCED)]
    if not columns:
        return []
    statement = _filtered(
        _period(select(*columns).select_from(IntroductionRequest), boundaries[0], boundaries[-1]),
        sector,
        focus_area,
        region,
    )
    row = db.session.execute(statement).one()
    return [(int(row[i]), int(row[i + 1])) for i in range(0, len(row), 2)]
