"""Vigie's NAB scorer against NAB's official per-file scores, hand-made cases, and the benchmark runner."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from vigie.bench.nab import run_nab
from vigie.signals import nab

NAB = Path("nab-realtweets")
REFERENCE = [(det, ticker) for det in ("numenta", "windowedGaussian") for ticker in ("FB", "IBM")]
STANDARD = nab.PROFILES["standard"]


def _official_row(root: Path, det: str, profile: str, key: str) -> dict[str, str]:
    with open(root / "reference-results" / "scores" / f"{det}_{profile}_scores.csv", newline="") as fh:
        return next(row for row in csv.DictReader(fh) if row["File"] == key)


@pytest.mark.parametrize("profile", list(nab.PROFILES))
@pytest.mark.parametrize(("det", "ticker"), REFERENCE)
def test_scorer_reproduces_official_per_file_scores(shared_data, det, ticker, profile):
    root = shared_data / NAB
    key = f"realTweets/Twitter_volume_{ticker}.csv"
    stamps, scores = nab.read_results(root / "reference-results" / "per-file" / f"{det}_Twitter_volume_{ticker}.csv")
    windows = nab.window_rows(stamps, nab.load_windows(root / "labels" / "combined_windows_realTweets.json")[key])
    official = _official_row(root, det, profile, key)

    got = nab.score_at(nab.prepare(scores, windows, nab.PROFILES[profile]), float(official["Threshold"]),
                       nab.PROFILES[profile])

    assert got.score == pytest.approx(float(official["Score"]), abs=1e-6)
    assert (got.tp, got.tn, got.fp, got.fn) == tuple(int(official[c]) for c in ("TP", "TN", "FP", "FN"))


def test_sweep_scores_rebuild_official_per_row_column(shared_data):
    # NAB's results put each window's credit on its first row and each false positive on its own row.
    root = shared_data / NAB
    path = root / "reference-results" / "per-file" / "numenta_Twitter_volume_IBM.csv"
    stamps, scores = nab.read_results(path)
    with open(path, newline="") as fh:
        official = np.array([float(r["S(t)_standard"]) for r in csv.DictReader(fh)])
    key = "realTweets/Twitter_volume_IBM.csv"
    windows = nab.window_rows(stamps, nab.load_windows(root / "labels" / "combined_windows_realTweets.json")[key])
    s, wid = nab.sweep_scores(len(scores), windows, STANDARD)
    hit = scores >= 0.542187690735
    hit[: nab.probation_length(len(scores))] = False

    rebuilt = np.where(hit & (wid < 0), s, 0.0)
    for k, (left, right) in enumerate(windows):
        inside = hit[left:right + 1]
        rebuilt[left] = s[left:right + 1][inside].max() if inside.any() else -STANDARD.fn_weight
        assert (wid[left:right + 1] == k).all()

    assert np.abs(rebuilt - official).max() < 1e-9


def test_scaled_sigmoid_matches_nab_values():
    got = nab.scaled_sigmoid(np.array([-1.0, -0.5, 0.0, 1.0, 3.5]))
    assert got == pytest.approx([0.98661429815, 0.84828, 0.0, -0.98661429815, -1.0], abs=1e-5)


def _one_window(hits: list[int], n: int = 2000, window: tuple[int, int] = (1000, 1099)) -> nab.FileScore:
    scores = np.zeros(n)
    scores[hits] = 1.0
    return nab.score_at(nab.prepare(scores, [window], STANDARD), 0.5, STANDARD)


def test_detection_at_window_start_earns_the_full_true_positive_weight():
    assert _one_window([1000]).score == pytest.approx(STANDARD.tp_weight)
    assert 0.85 < _one_window([1050]).score < 0.86  # the middle of the window still earns most of it


def test_only_the_earliest_detection_in_a_window_counts():
    assert _one_window([1010, 1011, 1090]).score == pytest.approx(_one_window([1010]).score)


def test_false_positive_before_any_window_costs_the_fp_weight():
    assert _one_window([400, 1000]).score == pytest.approx(STANDARD.tp_weight - STANDARD.fp_weight)


def test_false_positive_just_after_a_window_costs_almost_nothing():
    assert _one_window([1000, 1100]).score == pytest.approx(1.0, abs=0.02)


def test_missed_window_costs_the_fn_weight():
    for profile in nab.PROFILES.values():
        rows = nab.prepare(np.zeros(2000), [(1000, 1099)], profile)
        assert nab.score_at(rows, 0.5, profile).score == -profile.fn_weight


def test_probationary_rows_are_never_scored():
    assert nab.probation_length(15_000) == 750
    assert _one_window([10]).fp == 0


def test_sweep_agrees_with_scoring_each_threshold():
    rng = np.random.default_rng(7)
    files = []
    for _ in range(3):
        scores = np.round(rng.random(3000), 2)  # rounding makes ties, which the sweep must group
        files.append(nab.prepare(scores, [(900, 1100), (2000, 2300)], STANDARD))
    pooled = nab.pool(files)
    thresholds, totals = nab.sweep(pooled, STANDARD)

    for t, total in zip(thresholds, totals, strict=True):
        assert total == pytest.approx(sum(nab.score_at(f, t, STANDARD).score for f in files))
    best, best_score = nab.optimize_threshold(pooled, STANDARD)
    assert best_score == pytest.approx(max(totals))


def test_optimizer_prefers_the_highest_of_equal_thresholds():
    rows = nab.prepare(np.r_[np.zeros(1000), 0.9, 0.8, np.zeros(98)], [(1000, 1099)], STANDARD)
    assert nab.optimize_threshold(rows, STANDARD) == (0.9, pytest.approx(1.0))


def test_normalisation_puts_null_at_zero_and_perfect_at_hundred():
    windows = [(1000, 1099), (1500, 1599)]
    perfect = np.zeros(2000)
    perfect[[1000, 1500]] = 1.0
    results = {"a": (np.full(2000, 0.5), windows), "b": (perfect, windows)}

    assert nab.score_corpus({"a": results["a"]})["standard"]["score"] == pytest.approx(0.0)
    assert nab.score_corpus({"b": results["b"]})["standard"]["score"] == pytest.approx(100.0)
    assert nab.normalized(0.0, 4, nab.PROFILES["reward_low_FN_rate"]) == pytest.approx(200 / 3)


def test_run_nab_reproduces_official_windowed_gaussian_scores_and_writes_results(shared_data, tmp_path):
    root, corpus = shared_data / NAB, tmp_path / "corpus"
    keys = ["realTweets/Twitter_volume_FB.csv", "realTweets/Twitter_volume_IBM.csv"]
    for key in keys:
        (corpus / "data" / key).parent.mkdir(parents=True, exist_ok=True)
        (corpus / "data" / key).write_bytes((root / "data" / key).read_bytes())
    labels = json.loads((root / "labels" / "combined_windows_realTweets.json").read_text())
    (corpus / "labels").mkdir()
    (corpus / "labels" / "combined_windows.json").write_text(json.dumps({k: labels[k] for k in keys}))

    result = run_nab(corpus, detector="windowedGaussian", threshold=1.0, out=tmp_path / "out")

    official = sum(float(_official_row(root, "windowedGaussian", "standard", k)["Score"]) for k in keys)
    assert result["raw"]["standard"] == pytest.approx(official, abs=1e-6)
    assert set(result) >= {"standard", "reward_low_FP_rate", "reward_low_FN_rate", "threshold", "files", "points_per_s"}
    assert result["files"] == 2 and result["threshold"]["standard"] == 1.0
    written = tmp_path / "out" / "windowedGaussian" / "realTweets" / "windowedGaussian_Twitter_volume_FB.csv"
    with open(written, newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["timestamp", "value", "anomaly_score", "label"]
    assert len(rows) == 15833 and sum(int(r["label"]) for r in rows) == 2 * 791
    with pytest.raises(ValueError, match="inside the corpus"):
        run_nab(corpus, out=corpus / "results")
