"""Per-recipient link tokens (unsubscribe, RSVP): bound to a purpose, a person, a lifetime."""

from datetime import UTC, datetime, timedelta

import pytest

from matchmaker.security import TokenError, make_recipient_token, read_recipient_token


def test_token_carries_person_and_data_for_its_purpose_only(app):
    token = make_recipient_token("rsvp", 12, invitation=34, answer="yes")
    claims = read_recipient_token("rsvp", token, max_age=3600)
    assert claims.person_id == 12 and claims.data == {"invitation": 34, "answer": "yes"}
    with pytest.raises(TokenError) as error:
        read_recipient_token("unsubscribe", token, max_age=3600)
    assert not error.value.expired


def test_altered_token_is_refused(app):
    token = make_recipient_token("rsvp", 12, invitation=34)
    with pytest.raises(TokenError):
        read_recipient_token("rsvp", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1],
                             max_age=3600)


def test_token_expires_at_its_own_date(app):
    past = datetime.now(UTC) - timedelta(minutes=1)
    token = make_recipient_token("rsvp", 12, expires_at=past, invitation=34)
    with pytest.raises(TokenError) as error:
        read_recipient_token("rsvp", token, max_age=3600)
    assert error.value.expired
    future = make_recipient_token("rsvp", 12, expires_at=past + timedelta(days=1))
    assert read_recipient_token("rsvp", future, max_age=3600).person_id == 12


def test_token_made_with_another_secret_is_refused(app):
    token = make_recipient_token("rsvp", 12)
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(TokenError):
        read_recipient_token("rsvp", token, max_age=3600)
