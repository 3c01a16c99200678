"""Translated names of mail categories and outbox states, for pages and emails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from matchmaker.models import MailCategory, OutboxStatus

CATEGORY_LABELS = {
    MailCategory.TRANSACTIONAL: _l("Account and security"),
    MailCategory.INVITATIONS: _l("Event invitations"),
    MailCategory.INTRODUCTIONS: _l("Introductions"),
    MailCategory.DIGESTS: _l("Weekly digest of new suggestions"),
}

CATEGORY_DESCRIPTIONS = {
    MailCategory.INVITATIONS: _l("Invitations to afterworks and other cluster events."),
    MailCategory.INTRODUCTIONS: _l(
        "Requests from members who would like to be introduced to you, and their follow-up."
    ),
    MailCategory.DIGESTS: _l(
        "Once a week, the people and organisations newly suggested to you, if there are any."
    ),
}

STATUS_LABELS = {
    OutboxStatus.PENDING: _l("Waiting"),
    OutboxStatus.SENDING: _l("Being sent"),
    OutboxStatus.SENT: _l("Sent"),
    OutboxStatus.FAILED: _l("Failed"),
    OutboxStatus.CANCELLED: _l("Cancelled"),
}

# Reasons the platform itself records in ``last_error`` (SMTP servers' replies are kept as
# they came).
REASON_UNSUBSCRIBED = "matchmaker:unsubscribed"
REASON_CANCELLED = "matchmaker:cancelled"

REASON_LABELS = {
    REASON_UNSUBSCRIBED: _l("Not sent: the recipient unsubscribed or withdrew consent."),
    REASON_CANCELLED: _l("Cancelled by an organiser."),
}


def category_label(code: str | None) -> str:
    return str(CATEGORY_LABELS.get(code, code or ""))  # type: ignore[arg-type]


def status_label(code: str | None) -> str:
    return str(STATUS_LABELS.get(code, code or ""))  # type: ignore[arg-type]


def reason_label(text: str | None) -> str:
    if not text:
        return ""
    return str(REASON_LABELS.get(text, text))
