"""`vigie bench ingest` end to end on a small N: its JSON line, through the CLI."""

import json

from click.testing import CliRunner

from vigie.cli import cli


def test_bench_ingest_prints_one_json_line_with_the_fastest_of_its_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("VIGIE_HOME", str(tmp_path))
    result = CliRunner().invoke(cli, ["bench", "ingest", "--n", "3000", "--repeat", "2", "--cpu", "-1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["n"] == 3000 and 20 < out["mean_words"] < 40
    assert out["new"] + out["duplicates"] + out["rejected"] == 3000
    assert 0.03 * 3000 < out["duplicates"] < 0.07 * 3000  # 5 % exact copies
    assert out["near_duplicates_grouped"] > 0.8 * 0.05 * 3000 and out["stories"] > 0
    assert out["matches"] > 0
    assert len(out["runs_seconds"]) == 2 and out["seconds"] == min(out["runs_seconds"])
    # `seconds` is rounded to 0.01 s, the rate is computed from the unrounded time.
    assert 3000 / (out["seconds"] + 0.006) <= out["mentions_per_s"] <= 3000 / (out["seconds"] - 0.006)
    assert out["ratio"] == round(out["mentions_per_s"] / out["raw_insert_per_s"], 3)
    # The slower run's store is removed; the kept one and the raw stores are all that remain.
    left = sorted(p.name for p in (tmp_path / "bench-ingest").glob("*.db*"))
    assert left in (["bench0.db"], ["bench1.db"])  # the raw stores are removed too
