"""Keeping the folded ``search_text`` of people and organisations in step with what they say.

Done on every flush, whichever service wrote the row (a sign-up, a profile edit, an import, the
demo), so the directory finds a person as soon as they exist.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from matchmaker.models.accounts import Person
from matchmaker.models.organisations import Organisation
from matchmaker.text import search_document


def organisation_search_text(organisation: Organisation) -> str:
    return search_document(
        organisation.name,
        organisation.city,
        organisation.description,
        organisation.offer,
        organisation.looking_for,
        " ".join(tag.label for tag in organisation.tags),
    )


def person_search_text(person: Person, organisation: Organisation | None) -> str:
    return search_document(
        person.full_name,
        person.position,
        person.expertise,
        person.offer,
        person.looking_for,
        " ".join(tag.label for tag in person.tags),
        organisation.name if organisation is not None else "",
    )


def _organisation_of(session: Session, person: Person) -> Organisation | None:
    if person.organisation is not None or person.organisation_id is None:
        return person.organisation
    return session.get(Organisation, person.organisation_id)


@event.listens_for(Session, "before_flush")
def refresh_search_texts(session: Session, flush_context, instances) -> None:
    people: set[Person] = set()
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Organisation):
            text = organisation_search_text(obj)
            if obj.search_text != text:
                obj.search_text = text
            # Members are found by their organisation's name too.
            if obj in session.dirty and inspect(obj).attrs.name.history.has_changes():
                people.update(obj.people)
        elif isinstance(obj, Person):
            people.add(obj)
    for person in people:
        if person in session.deleted:
            continue
        text = person_search_text(person, _organisation_of(session, person))
        if person.search_text != text:
            person.search_text = text
