"""Demo steps for the directory: organisations, accounts and people, and merged synonyms."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from matchmaker.demo.logins import demo_password
from matchmaker.demo.steps import DemoContext, demo_step
from matchmaker.domain import Role
from matchmaker.extensions import db
from matchmaker.models import Organisation, Person, Tag, User, utcnow
from matchmaker.security import hash_password
from matchmaker.services.tags import merge_tags_in_session, normalise_tag, resolve_tag_map


def _tags(tag_map: dict[str, Tag], labels) -> list[Tag]:
    tags: dict[int, Tag] = {}
    for label in labels:
        tag = tag_map[normalise_tag(label)]
        tags.setdefault(tag.id, tag)
    return list(tags.values())


def _all_tag_labels(context: DemoContext) -> list[str]:
    labels = [label for plan in context.plan.organisations for label in plan.tags]
    labels += [label for plan in context.plan.people for label in plan.tags]
    return labels


@demo_step("organisations", order=10)
def add_organisations(context: DemoContext) -> None:
    external_ids = [plan.external_id for plan in context.plan.organisations]
    existing = {
        organisation.external_id: organisation
        for organisation in db.session.scalars(
            select(Organisation).where(Organisation.external_id.in_(external_ids))
        )
    }
    tag_map = resolve_tag_map(_all_tag_labels(context))
    for plan in context.track(context.plan.organisations, _("Organisations")):
        organisation = existing.get(plan.external_id)
        if organisation is None:
            organisation = Organisation(
                external_id=plan.external_id,
                name=plan.name,
                kind=plan.kind,
                region=plan.region,
                city=plan.city,
                website=plan.website,
                description=plan.description,
                offer=plan.offer,
                looking_for=plan.looking_for,
                founded_year=plan.founded_year,
                cluster_startup=plan.cluster_startup,
                startup_created_on=plan.startup_created_on,
                tags=_tags(tag_map, plan.tags),
            )
            organisation.focus_areas = list(plan.focus_areas)
            db.session.add(organisation)
            context.count(_("organisations"))
        context.organisations[plan.external_id] = organisation


@demo_step("people", order=20)
def add_people(context: DemoContext) -> None:
    emails = [plan.email for plan in context.plan.people]
    existing = {
        user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))
    }
    tag_map = resolve_tag_map(_all_tag_labels(context))
    # Argon2 is slow on purpose: one hash per role, shared by every demo member, made on first use.
    hashes: dict[Role, str] = {}
    confirmed_at = utcnow()
    for plan in context.track(context.plan.people, _("People")):
        user = existing.get(plan.email)
        if user is not None:
            if user.person is not None:
                context.people[plan.email] = user.person
            continue
        role = Role(plan.role)
        if role not in hashes:
            hashes[role] = hash_password(demo_password(role))
        user = User(
            email=plan.email,
            password_hash=hashes[role],
            role=plan.role,
            confirmed_at=confirmed_at,
        )
        person = Person(
            user=user,
            organisation=context.organisations.get(plan.organisation_external_id or ""),
            full_name=plan.full_name,
            position=plan.position,
            expertise=plan.expertise,
            offer=plan.offer,
            looking_for=plan.looking_for,
            orcid=plan.orcid,
            phone=plan.phone,
            language=plan.language,
            visibility=plan.visibility,
            consent_matching=plan.consent_matching,
            consent_given_at=confirmed_at if plan.consent_matching else None,
            tags=_tags(tag_map, plan.tags),
        )
        db.session.add(person)
        context.people[plan.email] = person
        context.count(_("people"))


@demo_step("merged-synonyms", order=30)
def merge_synonyms(context: DemoContext) -> None:
    """A few synonyms organisers already merged, so the tags page shows aliases from the start."""
    for target_label, source_labels in context.plan.merged_synonyms:
        keys = [normalise_tag(label) for label in (target_label, *source_labels)]
        tags = {
            tag.normalised: tag
            for tag in db.session.scalars(select(Tag).where(Tag.normalised.in_(keys)))
        }
        target = tags.get(keys[0])
        sources = [
            tags[key] for key in keys[1:] if key in tags and tags[key].merged_into_id is None
        ]
        if target is None or target.merged_into_id is not None or not sources:
            continue
        merge_tags_in_session(target.id, [tag.id for tag in sources])
        context.count(_("tags merged as synonyms"), len(sources))
