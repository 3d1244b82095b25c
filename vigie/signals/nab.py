"""Numenta Anomaly Benchmark (NAB) scoring: windows, scaled sigmoid, profiles, threshold sweep. See docs/early-warning.md"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Profile:
    """One NAB application profile (cost matrix); tnWeight is unused by NAB, so it is left out."""

    tp_weight: float
    fp_weight: float
    fn_weight: float


PROFILES: dict[str, Profile] = {
    "standard": Profile(tp_weight=1.0, fp_weight=0.11, fn_weight=1.0),
    "reward_low_FP_rate": Profile(tp_weight=1.0, fp_weight=0.22, fn_weight=1.0),
    "reward_low_FN_rate": Profile(tp_weight=1.0, fp_weight=0.11, fn_weight=2.0),
}

PROBATION_PERCENT = 0.15
NO_DETECTION = 1.1  # NAB's first sweep threshold: above every score, so nothing is detected


def scaled_sigmoid(y: float | np.ndarray) -> np.ndarray:
    """NAB's `2 * sigmoid(-5y) - 1`, exactly -1 once y > 3."""
    y = np.asarray(y, dtype=float)
    with np.errstate(over="ignore"):
        val = 2.0 / (1.0 + np.exp(5.0 * y)) - 1.0
    return np.where(y > 3.0, -1.0, val)


_MAX_TP = float(scaled_sigmoid(-1.0))


def probation_length(n: int, percent: float = PROBATION_PERCENT) -> int:
    """Rows at the start of a file that NAB never scores (the detector's learning period)."""
    return int(min(math.floor(percent * n), percent * 5000))


def parse_timestamp(text: str) -> datetime:
    """Parse NAB timestamps, with or without the `.000000` suffix the label files carry."""
    return datetime.fromisoformat(text.strip())


def load_windows(path: Path) -> dict[str, list[tuple[datetime, datetime]]]:
    """Read a `combined_windows*.json`: {"<category>/<file>.csv": [[start, end], ...]}."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return {
        key: sorted((parse_timestamp(a), parse_timestamp(b)) for a, b in spans)
        for key, spans in raw.items()
    }


def window_rows(
    timestamps: Sequence[datetime], windows: Iterable[tuple[datetime, datetime]]
) -> list[tuple[int, int]]:
    """Convert windows to inclusive row ranges; NAB requires both ends to be data timestamps."""
    index: dict[datetime, int] = {}
    for i, t in enumerate(timestamps):
        index.setdefault(t, i)  # NAB uses list.index: the first row with that timestamp
    rows = []
    for start, end in windows:
        if start not in index or end not in index:
            raise ValueError(f"window {start} .. {end} does not start and end on data timestamps")
        rows.append((index[start], index[end]))
    return sorted(rows)


def sweep_scores(n: int, windows: Sequence[tuple[int, int]], profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """Per-row weighted score `s_i` (what a detection there would earn) and window id (-1 outside).

    Inside a window the reward falls from tpWeight at its first row towards 0 at its last; outside, a
    detection costs up to fpWeight, less just after a window (NAB's sigmoid tail).
    """
    s = np.empty(n, dtype=float)
    wid = np.full(n, -1, dtype=np.int64)
    prev_right: int | None = None
    prev_width = 0
    cursor = 0
    bounds = sorted(windows) + [(n, n)]
    for k, (left, right) in enumerate(bounds):
        gap = np.arange(cursor, min(left, n))
        if len(gap):
            if prev_right is None:
                s[gap] = -1.0 * profile.fp_weight
            else:
                s[gap] = profile.fp_weight * scaled_sigmoid(np.abs(prev_right - gap) / (prev_width - 1.0))
        if left >= n:
            break
        inside = np.arange(left, right + 1)
        width = right - left + 1.0
        s[inside] = profile.tp_weight * scaled_sigmoid(-(right - inside + 1) / width) / _MAX_TP
        wid[inside] = k
        prev_right, prev_width, cursor = right, int(width), right + 1
    return s, wid


@dataclass(frozen=True)
class FileScore:
    score: float
    tp: int
    tn: int
    fp: int
    fn: int


@dataclass
class ScoredRows:
    """The non-probationary rows of one file (or a pooled corpus) ready to be swept."""

    anomaly: np.ndarray
    s: np.ndarray
    window_id: np.ndarray  # -1 outside windows; unique across files once pooled

    @property
    def n_windows(self) -> int:
        return len(np.unique(self.window_id[self.window_id >= 0]))


def prepare(anomaly: Sequence[float] | np.ndarray, windows: Sequence[tuple[int, int]], profile: Profile) -> ScoredRows:
    """Attach sweep scores to one file's anomaly scores and drop its probationary rows."""
    a = np.asarray(anomaly, dtype=float)
    s, wid = sweep_scores(len(a), windows, profile)
    p = probation_length(len(a))
    return ScoredRows(a[p:], s[p:], wid[p:])


def pool(files: Iterable[ScoredRows]) -> ScoredRows:
    """Concatenate files, keeping window ids unique per file as NAB's corpus-wide sweep does."""
    parts, offset = [], 0
    for f in files:
        wid = np.where(f.window_id >= 0, f.window_id + offset, -1)
        offset += int(f.window_id.max(initial=-1)) + 1
        parts.append((f.anomaly, f.s, wid))
    if not parts:
        return ScoredRows(np.empty(0), np.empty(0), np.empty(0, dtype=np.int64))
    a, s, w = (np.concatenate(x) for x in zip(*parts, strict=True))
    return ScoredRows(a, s, w)


def score_at(rows: ScoredRows, threshold: float, profile: Profile) -> FileScore:
    """Score with detections = rows whose anomaly score is >= threshold (NAB's `--score` step)."""
    hit = rows.anomaly >= threshold
    inside = rows.window_id >= 0
    total = float(np.sum(rows.s[hit & ~inside]))
    for w in np.unique(rows.window_id[inside]):
        members = hit & (rows.window_id == w)
        # The earliest detection earns the most because s falls inside a window.
        total += float(rows.s[members].max()) if members.any() else -profile.fn_weight
    return FileScore(
        score=total,
        tp=int(np.sum(hit & inside)),
        tn=int(np.sum(~hit & ~inside)),
        fp=int(np.sum(hit & ~inside)),
        fn=int(np.sum(~hit & inside)),
    )


def sweep(rows: ScoredRows, profile: Profile) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate threshold (1.1, then each distinct score, descending) and its total score."""
    order = np.argsort(-rows.anomaly, kind="stable")
    a, s, w = rows.anomaly[order], rows.s[order], rows.window_id[order]
    delta = np.where(w < 0, s, 0.0)
    inside = np.flatnonzero(w >= 0)
    if len(inside):
        # Running max of s per window in detection order; a window's gain is the rise of that max.
        grp = np.lexsort((inside, w[inside]))
        idx = inside[grp]
        wg, sg = w[idx], s[idx]
        first = np.r_[True, wg[1:] != wg[:-1]]
        # Offsets wider than the spread of s keep each group's running max to itself.
        ranks = np.cumsum(first) * (float(sg.max() - sg.min()) + 1.0)
        running = np.maximum.accumulate(sg + ranks) - ranks
        before = np.r_[0.0, running[:-1]]
        before[first] = -profile.fn_weight
        delta[idx] = running - before
    base = -profile.fn_weight * rows.n_windows
    totals = base + np.cumsum(delta)
    last_of_value = np.r_[a[1:] != a[:-1], True] if len(a) else np.zeros(0, dtype=bool)
    thresholds = np.r_[NO_DETECTION, a[last_of_value]]
    scores = np.r_[base, totals[last_of_value]]
    return thresholds, scores


def optimize_threshold(rows: ScoredRows, profile: Profile) -> tuple[float, float]:
    """The threshold with the best pooled score; ties go to the highest threshold, as in NAB."""
    thresholds, scores = sweep(rows, profile)
    best = int(np.argmax(scores))  # first maximum = highest threshold since thresholds descend
    return float(thresholds[best]), float(scores[best])


def normalized(raw: float, n_windows: int, profile: Profile) -> float:
    """NAB score: 0 for the null detector (detects nothing), 100 for the perfect one."""
    null = -profile.fn_weight * n_windows
    perfect = profile.tp_weight * n_windows
    return 100.0 * (raw - null) / (perfect - null) if n_windows else 0.0


def null_and_perfect(files: Mapping[str, tuple[int, Sequence[tuple[int, int]]]], profile: Profile) -> tuple[float, float]:
    """Score NAB's reference detectors: null (constant 0.5, optimised) and perfect (alarm at each window start)."""
    null_rows, perfect_rows = [], []
    for n, windows in files.values():
        null_rows.append(prepare(np.full(n, 0.5), windows, profile))
        hits = np.zeros(n)
        hits[[left for left, _ in windows]] = 1.0
        perfect_rows.append(prepare(hits, windows, profile))
    _, null = optimize_threshold(pool(null_rows), profile)
    perfect = sum(score_at(r, 1.0, profile).score for r in perfect_rows)
    return null, perfect


def score_corpus(
    results: Mapping[str, tuple[np.ndarray, Sequence[tuple[int, int]]]],
    threshold: float | None = None,
    profiles: Iterable[str] = tuple(PROFILES),
) -> dict[str, dict]:
    """Score a detector over a corpus {file: (anomaly scores, window rows)} for each profile.

    With `threshold=None` the threshold is optimised per profile over the pooled corpus (NAB's
    oracle `--optimize` step); otherwise that one threshold is used for every profile.
    """
    out: dict[str, dict] = {}
    for name in profiles:
        profile = PROFILES[name]
        rows = {key: prepare(a, w, profile) for key, (a, w) in results.items()}
        t = optimize_threshold(pool(rows.values()), profile)[0] if threshold is None else threshold
        per_file = {key: score_at(r, t, profile) for key, r in rows.items()}
        raw = sum(f.score for f in per_file.values())
        null, perfect = null_and_perfect({k: (len(a), w) for k, (a, w) in results.items()}, profile)
        score = 100.0 * (raw - null) / (perfect - null) if perfect != null else 0.0
        out[name] = {"score": score, "raw": raw, "threshold": t, "null": null, "perfect": perfect,
                     "files": per_file}
    return out


def read_results(path: Path) -> tuple[list[datetime], np.ndarray]:
    """Read a NAB results CSV (timestamp, anomaly_score and any other columns)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        stamps, scores = [], []
        for row in reader:
            stamps.append(parse_timestamp(row["timestamp"]))
            scores.append(float(row["anomaly_score"]))
    return stamps, np.asarray(scores, dtype=float)
