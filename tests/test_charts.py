"""Charts are valid, titled SVG whose shapes follow the data."""

import re
import xml.etree.ElementTree as ET

from matchmaker.charts import Series, bar_chart, horizontal_bar_chart, line_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    return ET.fromstring(str(markup))


def test_axis_maximum_is_a_round_number_at_or_above_the_data():
    assert nice_ceiling(7) == 10
    assert nice_ceiling(12) == 20
    assert nice_ceiling(160) == 200
    assert nice_ceiling(0) == 1


def test_bars_are_proportional_and_titled_for_screen_readers():
    svg = parse(bar_chart("Attendance", ["Jan", "Feb"], [Series("came", [20, 40])]))
    assert svg.find(f"{SVG}title").text == "Attendance"
    assert "Jan: came 20" in svg.find(f"{SVG}desc").text
    heights = [float(r.get("height")) for r in svg.iter(f"{SVG}rect")]
    assert heights[1] == 2 * heights[0]


def test_stacked_bars_sit_on_each_other():
    svg = parse(
        bar_chart("Mix", ["A"], [Series("public", [30]), Series("private", [10])], stacked=True)
    )
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    public, private = bars
    assert float(private.get("y")) + float(private.get("height")) == float(public.get("y"))


def test_labels_are_escaped():
    markup = str(horizontal_bar_chart("Tags", ["<script>x</script>"], [3]))
    assert "<script>" not in markup
    parse(markup)


def test_line_chart_has_one_point_per_value_with_its_value():
    svg = parse(
        line_chart("Members", ["2024", "2025", "2026"], [Series("members", [150, 190, 210])])
    )
    titles = [c.find(f"{SVG}title").text for c in svg.iter(f"{SVG}circle")]
    assert titles == ["members, 2024: 150", "members, 2025: 190", "members, 2026: 210"]
    assert re.search(r"points=\"[\d., ]+\"", str(line_chart("x", ["a"], [Series("s", [1])])))
