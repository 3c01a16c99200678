"""``flask --app wsgi matching …``: rebuild, status, suggest, export."""

import csv
import io
import json
from datetime import date

import pytest
from flask_babel import refresh

from matchmaker.extensions import db
from matchmaker.models import Connection
from tests.support.matching import small_cluster


@pytest.fixture
def cluster(app):
    # Commands speak the default language: English here, for readable assertions.
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    refresh()
    cluster = small_cluster()
    cluster.radio.external_id = "radiotrace"
    cluster.nuclear.external_id = "nuclear-lab"
    db.session.commit()
    return cluster


def test_rebuild_and_status(runner, cluster):
    before = runner.invoke(args=["matching", "status"])
    assert before.exit_code == 0 and "No rebuild has run yet" in before.output
    result = runner.invoke(args=["matching", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "4 organisations, 4 people, 0 past collaborations" in result.output
    status = runner.invoke(args=["matching", "status"])
    assert "Last rebuild" in status.output and "4 organisations" in status.output
    again = runner.invoke(args=["matching", "rebuild", "--if-needed"])
    assert "up to date" in again.output


def test_suggest_prints_one_json_object_with_reasons(runner, cluster):
    runner.invoke(args=["matching", "rebuild", "--quiet"])
    result = runner.invoke(
        args=["matching", "suggest", "--org", str(cluster.radio.id), "--top", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["source"] == {"kind": "organisation", "id": cluster.radio.id}
    first = answer["suggestions"][0]
    assert first["name"] == "Nuclear Medicine Lab" and first["external_id"] == "nuclear-lab"
    assert first["rank"] == 1 and first["score"] > 0
    assert any("nuclear medicine" in line for line in first["reasons"])
    assert len(answer["suggestions"]) <= 2

    french = runner.invoke(
        args=["matching", "suggest", "--person", str(cluster.alice.id), "--lang", "fr"]
    )
    assert french.exit_code == 0 and "Bob Nuclear" in french.output
    assert "médecine nucléaire" in french.output

    both = runner.invoke(args=["matching", "suggest", "--org", "1", "--person", "1"])
    assert both.exit_code != 0 and "either --org" in both.output
    unknown = runner.invoke(args=["matching", "suggest", "--org", "999999"])
    assert unknown.exit_code != 0 and "No organisation" in unknown.output


def read_export(path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_export_writes_one_row_per_suggestion_both_directions(runner, cluster, tmp_path):
    not_yet = runner.invoke(args=["matching", "export", "--out", str(tmp_path / "x.csv")])
    assert not_yet.exit_code != 0 and "matching rebuild" in not_yet.output
    runner.invoke(args=["matching", "rebuild", "--quiet"])

    stored_path = tmp_path / "stored.csv"
    result = runner.invoke(
        args=["matching", "export", "--top", "1", "--out", str(stored_path), "--quiet"]
    )
    assert result.exit_code == 0, result.output
    with open(stored_path, encoding="utf-8") as handle:
        assert handle.readline().strip() == (
            "source_id,source_external_id,candidate_id,candidate_external_id,rank,score,reasons"
        )
    rows = read_export(stored_path)
    by_source = {row["source_external_id"]: row for row in rows if row["source_external_id"]}
    assert by_source["radiotrace"]["candidate_external_id"] == "nuclear-lab"
    assert by_source["nuclear-lab"]["candidate_external_id"] == "radiotrace"
    assert by_source["radiotrace"]["rank"] == "1"
    assert "nuclear medicine" in by_source["radiotrace"]["reasons"]
    assert {int(row["source_id"]) for row in rows} == {
        cluster.radio.id,
        cluster.nuclear.id,
        cluster.microbiota.id,
        cluster.gut.id,
    }

    # Deeper than the stored lists: computed from the fitted index, same first ranks.
    deep = runner.invoke(args=["matching", "export", "--top", "500", "--out", "-"])
    assert deep.exit_code == 0, deep.output
    deep_rows = list(csv.DictReader(io.StringIO(deep.output)))
    firsts = {row["source_id"]: row["candidate_id"] for row in deep_rows if row["rank"] == "1"}
    assert firsts == {row["source_id"]: row["candidate_id"] for row in rows}
    assert all(row["source_id"] != row["candidate_id"] for row in deep_rows)

    # A collaboration recorded since: the pair leaves the export.
    db.session.add(
        Connection(
            a_kind="organisation",
            a_id=min(cluster.radio.id, cluster.nuclear.id),
            b_kind="organisation",
            b_id=max(cluster.radio.id, cluster.nuclear.id),
            via="collaboration",
            occurred_on=date(2020, 1, 1),
        )
    )
    db.session.commit()
    after = runner.invoke(args=["matching", "export", "--top", "5", "--out", "-"])
    pairs = {
        (row["source_external_id"], row["candidate_external_id"])
        for row in csv.DictReader(io.StringIO(after.output))
    }
    assert ("radiotrace", "nuclear-lab") not in pairs
