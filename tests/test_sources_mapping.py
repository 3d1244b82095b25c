"""The import connector's fast paths: extractors, NDJSON lines kept as raw JSON, typed values read directly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from vigie.items import Mention, RawJSON, Rejection
from vigie.sources.file_import import ImportSource, _loads_line
from vigie.sources.mapping import PRESETS, cell_text, load_mapping, parse_date, parse_number

ROW = {"id": "7", "Video title": "Titre", "user": {"name": "Luc", "handle": None}, "title": "autre",
       "stats": {"likes": 4}, "text": "Bonjour", "views": "1 234", "Total": "x"}


def values_by_walking(mapping, row: dict[str, Any]) -> dict[str, Any]:
    """What values() did before extractors: resolve, then walk every dotted candidate."""
    resolved = mapping.resolve(tuple(row))
    values = {target: row.get(header) for target, header in resolved.items()}
    for target, candidates in mapping.columns.items():
        for candidate in candidates:
            if "." in candidate and target not in values:
                node: Any = row
                for part in candidate.split("."):
                    node = node.get(part) if isinstance(node, dict) else None
                if node is not None:
                    values[target] = node
    return values


@pytest.mark.parametrize("mapping", [
    *PRESETS.values(),
    load_mapping({"external_id": "id", "author_name": ["user.handle", "user.name"], "likes": "stats.likes"}),
    load_mapping({"preset": "youtube_studio", "text": ["body.text", "text"]}),
])
def test_extractor_gives_the_values_of_walking_the_mapping(mapping):
    extractor = mapping.extractor(tuple(ROW))
    assert extractor.values(ROW) == values_by_walking(mapping, ROW)
    assert mapping.values(ROW, mapping.resolve(tuple(ROW))) == values_by_walking(mapping, ROW)
    if extractor.row_is_values:
        assert all(ROW.get(t) == v for t, v in values_by_walking(mapping, ROW).items())


def test_row_is_its_own_values_only_when_its_keys_are_exactly_targets():
    generic = PRESETS["generic"]
    assert generic.extractor(["text", "url", "likes", "extra"]).row_is_values
    assert not generic.extractor(["Text", "url"]).row_is_values  # read through header matching
    # youtube_studio reads "Video title": a "title" key must not be taken for the title.
    assert not PRESETS["youtube_studio"].extractor(["Content", "title"]).row_is_values
    assert not load_mapping({"author_name": "user.name"}).extractor(["text"]).row_is_values


def test_ndjson_lines_are_kept_as_raw_json_and_csv_rows_as_dicts(ctx, tmp_path):
    path = tmp_path / "m.ndjson"
    path.write_text(' {"text": "Été", "likes": 3}  \r\n{"text": "deux", "x": [1, {"y": null}]}\n', encoding="utf-8")
    first, second = ImportSource({"path": str(path)}, ctx).fetch({})
    assert type(first.raw) is RawJSON and first.raw == '{"text": "Été", "likes": 3}'
    assert json.loads(second.raw) == {"text": "deux", "x": [1, {"y": None}]}
    csv_path = tmp_path / "m.csv"
    csv_path.write_text("text,likes\nÉté,3\n", encoding="utf-8")
    (row,) = ImportSource({"path": str(csv_path)}, ctx).fetch({})
    assert row.raw == {"text": "Été", "likes": "3"}


@pytest.mark.parametrize("line", [
    '{"a": 1}\n', '{"a": 1}', ' {"a": 1}\n', '\ufeff{"a": 1}\n', '{"a": 1} x\n', '{"a": 1}\t\r\n', '{"a": 1}\u2028\n',
    '{"a": 1}{"b": 2}\n', "[1, 2]\n", "nul\n", '{"a": NaN}\n', '{"a":\n', '{"a": "\x01"}\n', '{"a": 1,}\n', "\t{}",
])
def test_loads_line_reads_and_fails_like_json_loads(line):
    def outcome(loads):
        try:
            return "value", loads(line)
        except json.JSONDecodeError as exc:
            return "error", exc.msg, exc.pos
    assert repr(outcome(_loads_line)) == repr(outcome(json.loads))


def test_mention_fields_are_filled_by_name(ctx, tmp_path):
    row = {"external_id": "e1", "url": "https://x.ca/1", "title": "T", "text": "<p>Corps</p>",
           "author_handle": "@a", "author_name": "A B", "author_followers": 10, "outlet": "Le Devoir",
           "outlet_audience": "2 000", "published_at": "2024-03-12T10:00:00-04:00", "language": "fr-CA",
           "channel": "blog", "likes": 1, "shares": 2, "comments": 3, "views": 4, "reactions": 5, "reach": 6}
    path = tmp_path / "m.ndjson"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (m,) = ImportSource({"path": str(path)}, ctx).fetch({})
    assert isinstance(m, Mention)
    assert (m.source, m.channel, m.external_id, m.url, m.title) == ("import", "blog", "e1", "https://x.ca/1", "T")
    assert (m.text, m.html) == ("Corps", "<p>Corps</p>")
    assert (m.author_handle, m.author_name, m.author_followers) == ("@a", "A B", 10)
    assert (m.outlet, m.outlet_audience, m.language) == ("Le Devoir", 2000, "fr")
    assert m.published_at == datetime(2024, 3, 12, 14, 0, tzinfo=UTC)
    assert m.engagement == {"likes": 1, "shares": 2, "comments": 3, "views": 4, "reactions": 5}
    assert (m.reach, m.reach_kind) == (6, "measured")


def test_a_bad_number_is_still_rejected_naming_its_column(ctx, tmp_path):
    path = tmp_path / "m.ndjson"
    path.write_text('{"text": "a", "likes": 1, "views": "beaucoup"}\n', encoding="utf-8")
    (rejection,) = ImportSource({"path": str(path)}, ctx).fetch({})
    assert isinstance(rejection, Rejection) and rejection.reason == "bad-number"
    assert rejection.detail == "line 1: views: 'beaucoup' is not a number"


def test_typed_values_read_directly_mean_what_they_did():
    montreal = ZoneInfo("America/Montreal")
    assert parse_date("2024-03-12T10:00:00+05:00", tz=montreal) == datetime(2024, 3, 12, 5, 0, tzinfo=UTC)
    assert parse_date(" 2024-03-12T10:00:00Z ", tz=montreal) == datetime(2024, 3, 12, 10, 0, tzinfo=UTC)
    assert parse_date("2024-03-12 10:00", tz=montreal) == datetime(2024, 3, 12, 14, 0, tzinfo=UTC)
    assert parse_date("1710237600") == parse_date("1710237600000") == datetime(2024, 3, 12, 10, 0, tzinfo=UTC)
    assert parse_date("12/03/2024", dayfirst=True) == datetime(2024, 3, 12, tzinfo=UTC)
    assert parse_date("2024-03-12", fmt="%d/%m/%Y") is None
    assert (parse_number(1234), parse_number(True), parse_number(12.7)) == (1234, None, 12)
    assert (cell_text("  x "), cell_text("   "), cell_text(12.0)) == ("x", None, "12")


def test_counts_too_large_or_infinite_are_bad_cells_not_crashes():
    import pytest

    from vigie.sources.mapping import parse_number

    for value in (2**63, -(2**64), float("inf"), float("nan"), "1e400", "99999999999999999999"):
        with pytest.raises(ValueError):
            parse_number(value)
    assert parse_number(2**63 - 1) == 2**63 - 1
