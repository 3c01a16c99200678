"""The directory: searching organisations and people with filters, visibility respected.

Text search compares folded words with the folded ``search_text`` columns, so "therapie
cellulaire" finds "Thérapie cellulaire" on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, false, func, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select

from matchmaker.extensions import db
from matchmaker.models import (
    Organisation,
    OrganisationFocusArea,
    Person,
    Tag,
    organisation_tags,
    person_tags,
)
from matchmaker.paging import PageLinks
from matchmaker.services.people import visible_people_query
from matchmaker.text import search_words


@dataclass(frozen=True)
class DirectoryFilters:
    text: str = ""
    sector: str = ""
    kind: str = ""
    region: str = ""
    focus_area: str = ""
    tag: Tag | None = None
    # A tag was asked for but none has that name: nothing can match.
    unknown_tag: bool = False

    @property
    def filters_organisation(self) -> bool:
        return bool(self.sector or self.kind or self.region or self.focus_area)


def _like_all_words(column, text: str) -> list:
    conditions = []
    for word in search_words(text):
        escaped = word.replace("\\", "\\\\").replace("_", "\\_")
        conditions.append(column.like(f"%{escaped}%", escape="\\"))
    return conditions


def _organisation_conditions(filters: DirectoryFilters) -> list:
    conditions = []
    if filters.sector:
        conditions.append(Organisation.sector == filters.sector)
    if filters.kind:
        conditions.append(Organisation.kind == filters.kind)
    if filters.region:
        conditions.append(Organisation.region == filters.region)
    if filters.focus_area:
        conditions.append(
            exists().where(
                OrganisationFocusArea.organisation_id == Organisation.id,
                OrganisationFocusArea.focus_area == filters.focus_area,
            )
        )
    return conditions


def _text_and_tag(query: Select, filters: DirectoryFilters, search_column, tag_owner) -> Select:
    """The text and tag filters, alike for organisations and people.

    ``tag_owner`` is the column of an association table that holds the listed row's id.
    """
    query = query.where(*_like_all_words(search_column, filters.text))
    if filters.unknown_tag:
        return query.where(false())
    if filters.tag is not None:
        links = tag_owner.table
        listed_id = next(iter(tag_owner.foreign_keys)).column
        query = query.where(
            exists().where(tag_owner == listed_id, links.c.tag_id == filters.tag.id)
        )
    return query


def organisations_query(filters: DirectoryFilters) -> Select:
    query = select(Organisation).where(*_organisation_conditions(filters))
    query = _text_and_tag(
        query, filters, Organisation.search_text, organisation_tags.c.organisation_id
    )
    return query.order_by(func.lower(Organisation.name), Organisation.id)


def people_query(filters: DirectoryFilters, viewer) -> Select:
    query = visible_people_query(viewer)
    if filters.filters_organisation:
        query = query.join(Person.organisation).where(*_organisation_conditions(filters))
    query = _text_and_tag(query, filters, Person.search_text, person_tags.c.person_id)
    return query.order_by(func.lower(Person.full_name), Person.id)


def count(query: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


@dataclass
class DirectoryPage(PageLinks):
    """One page of results of one kind, with both kinds' totals for the tabs."""

    show: str  # "organisations" or "people"
    items: list
    page: int
    pages: int
    per_page: int
    organisations_total: int
    people_total: int


def search(
    filters: DirectoryFilters, viewer, *, show: str | None, page: int, per_page: int
) -> DirectoryPage:
    """Page ``page`` of organisations or people (``show``) matching ``filters``.

    Without ``show``, organisations are listed unless only people match. A page past the end
    gives the last page rather than an empty list.
    """
    organisations = organisations_query(filters)
    people = people_query(filters, viewer)
    organisations_total = count(organisations)
    people_total = count(people)
    if show is None:
        show = "people" if people_total and not organisations_total else "organisations"
    if show == "people":
        query = people.options(selectinload(Person.organisation), selectinload(Person.tags))
        total = people_total
    else:
        query = organisations.options(
            selectinload(Organisation.tags), selectinload(Organisation.focus_area_links)
        )
        total = organisations_total
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return DirectoryPage(
        show=show,
        items=items,
        page=page,
        pages=pages,
        per_page=per_page,
        organisations_total=organisations_total,
        people_total=people_total,
    )
