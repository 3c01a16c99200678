"""The consortium builder: every slot filled, the needed expertise covered, swaps shown."""

from matchmaker.consortium import Candidate, Slot, propose_team

NEEDED = ("car-t", "viral vectors", "gmp", "clinical trials")


def lab(id, score, *covers):
    return Candidate(id, score, frozenset(covers), "public")


def company(id, score, *covers):
    return Candidate(id, score, frozenset(covers), "private")


def slots():
    return [
        Slot("academic_lab", (lab(1, 0.9, "car-t"), lab(2, 0.5, "car-t", "clinical trials"))),
        Slot("cdmo", (company(3, 0.8, "gmp"), company(4, 0.4, "gmp", "viral vectors"))),
    ]


def test_every_slot_is_filled_and_coverage_beats_the_top_ranked_pair():
    team = propose_team(slots(), NEEDED)
    assert [c.chosen.id for c in team.choices] == [2, 4]
    assert team.covered == frozenset(NEEDED)
    assert team.coverage == 1.0
    assert team.missing == ()
    assert team.unfilled == ()


def test_without_coverage_weight_the_best_ranked_win():
    team = propose_team(slots(), NEEDED, coverage_weight=0.0)
    assert [c.chosen.id for c in team.choices] == [1, 3]
    assert team.coverage == 0.5
    assert team.missing == ("viral vectors", "clinical trials")


def test_swapping_a_candidate_changes_the_coverage_as_announced():
    team = propose_team(slots(), NEEDED)
    (alternative,) = team.choices[0].alternatives
    assert alternative.candidate.id == 1
    assert alternative.coverage == 0.75
    assert alternative.lost == frozenset({"clinical trials"})

    swapped = propose_team(slots(), NEEDED, picks={0: 1})
    assert swapped.choices[0].chosen.id == 1
    assert swapped.choices[0].how == "picked"
    assert swapped.coverage == alternative.coverage
    assert swapped.missing == ("clinical trials",)


def test_a_held_slot_and_what_the_coordinator_covers_are_kept():
    held = [Slot("academic_lab", slots()[0].candidates, held_by=lab(9, 0.1, "car-t")), slots()[1]]
    team = propose_team(held, NEEDED, already_covered={"clinical trials"})
    assert team.choices[0].chosen.id == 9
    assert team.choices[0].how == "held"
    assert team.choices[0].alternatives == ()
    assert team.coverage == 1.0
    assert team.choices[1].brings == frozenset({"gmp", "viral vectors"})


def test_one_organisation_fills_one_slot_and_a_slot_without_candidates_stays_empty():
    shared = company(5, 0.9, "gmp")
    team = propose_team(
        [Slot("any_private", (shared,)), Slot("cdmo", (shared,)), Slot("hospital", ())],
        NEEDED,
        taken={7},
    )
    assert [c.chosen.id if c.chosen else None for c in team.choices] == [5, None, None]
    assert team.unfilled == ("cdmo", "hospital")


def test_a_pick_of_an_unknown_candidate_is_ignored_and_nothing_needed_is_full_coverage():
    team = propose_team(slots(), (), picks={0: 42})
    assert team.choices[0].how == "proposed"
    assert team.coverage == 1.0
