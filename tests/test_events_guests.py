"""Events and their guest lists through the services: validation, Paris time, generation on
real profiles, the organiser's adjustments, freshness, no-show sizing, the CSV."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from matchmaker.extensions import db
from matchmaker.models import Connection, Event, Invitation, InvitationState, utcnow
from matchmaker.services import event_guests, events
from matchmaker.services.event_guests import GuestListOptions, generate_guest_list
from tests.support.events import (
    bioproduction_cluster,
    invite,
    make_event,
    make_member,
    paris,
    past_event,
)
from tests.support.factories import make_organisation, make_person


@pytest.fixture(autouse=True)
def english(app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"


def listed(event) -> dict[int, Invitation]:
    return {
        i.person_id: i
        for i in db.session.scalars(
            select(Invitation).where(
                Invitation.event_id == event.id,
                Invitation.state != InvitationState.EXCLUDED.value,
            )
        )
    }


# --- Events ----------------------------------------------------------------------------------


def test_times_are_entered_in_paris_and_stored_in_utc(app):
    event = make_event(starts_at=paris(2030, 12, 3, 18, 30))
    db.session.expire_all()
    stored = db.session.get(Event, event.id)
    assert stored.starts_at == datetime(2030, 12, 3, 17, 30, tzinfo=UTC)  # winter: UTC+1
    assert stored.ends_at - stored.starts_at == timedelta(hours=3)
    assert events.to_paris(stored.starts_at) == datetime(2030, 12, 3, 18, 30)
    summer = make_event(starts_at=paris(2030, 6, 20, 18, 30))
    assert summer.starts_at.hour == 16  # summer: UTC+2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"title": "  "}, "title", "Enter the event's title."),
        ({"capacity": 0}, "capacity", "Enter a capacity between 1 and 10000 people."),
        ({"private_share": 1.2}, "private_share", "Enter a share between 0 and 100 %."),
        ({"kind": "party"}, "kind", "Choose afterwork, congress or workshop."),
        ({"focus_areas": ["astrology"]}, "focus_areas", "Choose focus areas from the list."),
    ],
)
def test_invalid_events_are_refused_with_the_field_and_nothing_written(app, change, field, message):
    with pytest.raises(events.EventError) as caught:
        make_event(**change)
    assert (caught.value.field, caught.value.message) == (field, message)
    assert db.session.scalar(select(Event.id)) is None


def test_end_before_start_and_nonexistent_paris_times_are_refused(app):
    start = paris(2030, 12, 3)
    with pytest.raises(events.EventError, match="end after it starts") as caught:
        make_event(starts_at=start, ends_at=start - timedelta(hours=1))
    assert caught.value.field == "ends_at"
    with pytest.raises(events.EventError, match="does not exist in Paris"):
        events.from_paris(datetime(2030, 3, 31, 2, 30))  # clocks go forward that night


# --- Generating --------------------------------------------------------------------------------


def test_generated_list_is_relevant_balanced_and_explained(app):
    people = bioproduction_cluster(private=6, public=6, unrelated=2)
    event = make_event(capacity=7)  # default show-up rate 0.7: ten invitations

    result = generate_guest_list(event.id)

    assert result.size == 10 and not result.show_up_rate.learned
    guests = listed(event)
    assert len(guests) == 10
    unrelated = {p.id for p in people["unrelated"]}
    assert not unrelated & set(guests)
    private = sum(1 for p in people["private"] if p.id in guests)
    assert 4 <= private <= 6  # 50 % ± 10 points of 10
    best = max(guests.values(), key=lambda i: i.score)
    assert best.rank == 1 and best.state == InvitationState.PROPOSED
    assert best.reasons["theme"], "theme reasons are stored"
    counterpart_ids = [c["person_id"] for c in best.reasons["counterparts"]]
    assert counterpart_ids and set(counterpart_ids) <= set(guests)
    sector_of = {p.id: s for s in ("private", "public") for p in people[s]}
    assert all(sector_of[c] != sector_of[best.person_id] for c in counterpart_ids)


def test_at_most_n_people_per_organisation(app):
    shared = make_organisation(name="Big CDMO", kind="cdmo")
    for i in range(5):
        make_member("private", "GMP manufacturing of monoclonal antibodies in bioreactors",
                    "bioproduction", organisation=shared, email=f"cdmo{i}@example.org")
    bioproduction_cluster(private=3, public=6, unrelated=0)
    event = make_event(capacity=7)

    generate_guest_list(event.id, GuestListOptions(size=8, per_organisation_cap=2))
    from_shared = [i for i in listed(event).values() if i.person.organisation_id == shared.id]
    assert len(from_shared) == 2
    generate_guest_list(event.id, GuestListOptions(size=8, per_organisation_cap=1))
    from_shared = [i for i in listed(event).values() if i.person.organisation_id == shared.id]
    assert len(from_shared) == 1
    assert db.session.get(Event, event.id).per_organisation_cap == 1


def test_regenerating_keeps_locks_never_brings_back_the_excluded_and_is_deterministic(app):
    people = bioproduction_cluster()
    event = make_event(capacity=7)
    organiser = make_person(role="organiser")
    generate_guest_list(event.id, GuestListOptions(size=6))
    first = listed(event)
    again = generate_guest_list(event.id, GuestListOptions(size=6))
    assert again.proposed == 0
    assert {p: i.rank for p, i in listed(event).items()} == {p: i.rank for p, i in first.items()}

    ranked = sorted(first.values(), key=lambda i: i.rank)
    top, second = ranked[0].person_id, ranked[1].person_id
    outsider = next(p for p in people["public"] + people["private"] if p.id not in first)
    event_guests.adjust_guest(event.id, top, "exclude", by=organiser.user)
    event_guests.adjust_guest(event.id, second, "lock", by=organiser.user)
    event_guests.add_guest(event.id, outsider.id, by=organiser.user)

    generate_guest_list(event.id, GuestListOptions(size=6))
    now = listed(event)
    assert top not in now
    assert now[second].state == InvitationState.LOCKED
    assert now[outsider.id].state == InvitationState.LOCKED
    assert now[outsider.id].source == "manual"
    assert len(now) == 6

    # Putting someone back lets the generator consider them again.
    event_guests.adjust_guest(event.id, top, "restore", by=organiser.user)
    generate_guest_list(event.id, GuestListOptions(size=6))
    assert top in listed(event)


def test_members_cannot_build_guest_lists(app):
    bioproduction_cluster(private=2, public=2, unrelated=0)
    event = make_event()
    member = make_person()
    with pytest.raises(PermissionError):
        generate_guest_list(event.id, by=member.user)


def test_people_without_consent_are_never_proposed(app):
    people = bioproduction_cluster(private=3, public=3, unrelated=0)
    withdrawn = people["private"][0]
    withdrawn.consent_matching = False
    db.session.commit()
    event = make_event()
    generate_guest_list(event.id, GuestListOptions(size=5))
    assert withdrawn.id not in listed(event)


# --- Freshness and sizing ----------------------------------------------------------------------


def twin(name: str, sector: str, **values):
    """Members with the same profile: only their history tells them apart."""
    return make_member(
        sector,
        "Upstream process development of monoclonal antibodies in bioreactors",
        "bioreactors",
        full_name=name,
        **values,
    )


def test_recent_no_shows_and_people_who_already_met_count_less_newcomers_more(app):
    no_show = twin("No Show", "private")
    newcomer = twin("New Comer", "private")
    public = [twin(f"Public {i}", "public") for i in range(3)]
    earlier = past_event(days_ago=40, capacity=10)
    invite(earlier, no_show, InvitationState.NO_SHOW, answer="yes")
    for person in public:
        invite(earlier, person, InvitationState.CAME, answer="yes")
    event = make_event()

    generate_guest_list(event.id, GuestListOptions(size=2, per_organisation_cap=1))
    chosen = listed(event)
    assert newcomer.id in chosen and no_show.id not in chosen
    reasons = chosen[newcomer.id].reasons
    assert reasons["newcomer"] is True

    # The public counterpart picked is one the newcomer does not know yet.
    partner = next(p for p in chosen if p != newcomer.id)
    db.session.add(
        Connection(a_kind="person", a_id=min(partner, newcomer.id), b_kind="person",
                   b_id=max(partner, newcomer.id), via="event", source_ref=earlier.id,
                   occurred_on=earlier.starts_at.date())
    )
    db.session.commit()
    generate_guest_list(event.id, GuestListOptions(size=2, per_organisation_cap=1))
    assert partner not in listed(event)


def test_invitations_are_sized_for_the_no_shows_learned_from_past_events(app):
    first = event_guests.expected_show_up_rate("afterwork")
    assert first.rate == pytest.approx(0.7) and not first.learned
    assert event_guests.invitations_needed(70, first) == 100

    people = [make_person() for _ in range(20)]
    earlier = past_event(days_ago=60)
    for i, person in enumerate(people):
        invite(earlier, person, InvitationState.CAME if i < 8 else InvitationState.NO)
    # A walk-in came without an invitation: it does not count for the rate.
    db.session.add(Invitation(event_id=earlier.id, person_id=make_person().id,
                              state="came", source="walk_in"))
    db.session.commit()

    learned = event_guests.expected_show_up_rate("afterwork")
    assert learned.learned and (learned.invited, learned.came) == (20, 8)
    # 8 of 20 came, pulled towards 0.7 by twenty invitations' worth of prior.
    assert learned.rate == pytest.approx((8 + 0.7 * 20) / 40)
    event = make_event(capacity=70)
    size, rate = event_guests.suggested_size(event)
    assert size == 128 and rate == learned
    # Another kind of event has no history yet.
    assert not event_guests.expected_show_up_rate("congress").learned


# --- Mix and export -----------------------------------------------------------------------------


def test_mix_against_targets_and_csv_columns(app):
    bioproduction_cluster(private=4, public=4, unrelated=0)
    event = make_event()
    generate_guest_list(
        event.id, GuestListOptions(size=6, region_weights={"pays_de_la_loire": 3, "bretagne": 1})
    )
    lines = event_guests.guest_lines(event)
    mix = event_guests.guest_list_mix(event, lines)
    assert mix.total == 6
    assert [row.code for row in mix.sectors] == ["private", "public"]
    assert mix.sectors[0].target == 0.5 and mix.sectors[0].within
    regions = {row.code: row for row in mix.regions}
    assert regions["pays_de_la_loire"].target == pytest.approx(0.75)
    assert regions["pays_de_la_loire"].count == 6

    header, rows = event_guests.guest_list_csv(event, "en")
    assert header == (
        "person_id", "name", "organisation_id", "organisation", "sector", "region", "score",
        "reasons",
    )
    assert len(rows) == 6
    first = dict(zip(header, rows[0], strict=True))
    assert first["sector"] in ("private", "public")
    assert first["region"] == "pays_de_la_loire"
    assert "Theme:" in first["reasons"] and "Best counterparts on the list:" in first["reasons"]


def test_guest_lists_of_past_or_cancelled_events_cannot_change(app):
    bioproduction_cluster(private=2, public=2, unrelated=0)
    event = past_event()
    with pytest.raises(event_guests.GuestListError, match="over"):
        generate_guest_list(event.id)
    upcoming = make_event()
    upcoming.cancelled_at = utcnow()
    db.session.commit()
    with pytest.raises(event_guests.GuestListError, match="cancelled"):
        generate_guest_list(upcoming.id)
