"""`vigie bench nab`: run a streaming detector over a NAB-layout corpus and score it as NAB does. See docs/early-warning.md"""

from __future__ import annotations

import csv
import json
import math
import os
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import numpy as np

from vigie.signals import nab
from vigie.signals.detectors import SHIPPED_THRESHOLD, make_detector

DEFAULT_DETECTOR = "vigie"
Progress = Callable[[int, int, str], None]  # (files done, files in all, file just scored)


def load_labels(data: Path) -> dict[str, list[tuple[datetime, datetime]]]:
    """Merge every `labels/combined_windows*.json` of a corpus (NAB ships one, subsets may split it)."""
    found = sorted((data / "labels").glob("combined_windows*.json"))
    if not found:
        raise FileNotFoundError(f"no labels/combined_windows*.json under {data}")
    windows: dict[str, list[tuple[datetime, datetime]]] = {}
    for path in found:
        windows.update(nab.load_windows(path))
    return windows


def read_series(path: Path) -> tuple[list[datetime], list[float], list[tuple[str, str]]]:
    """A NAB data file: `timestamp,value` rows in time order, plus the raw text for the output."""
    stamps, values, raw = [], [], []
    with open(path, newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            raw.append((row["timestamp"], row["value"]))
            stamps.append(nab.parse_timestamp(row["timestamp"]))
            values.append(float(row["value"]) if row["value"].strip() else math.nan)
    return stamps, values, raw


def write_results(path: Path, raw: list[tuple[str, str]], scores: list[float],
                  windows: list[tuple[int, int]]) -> None:
    """NAB's results format; repr() keeps every score exact so re-reading the file scores the same."""
    label = np.zeros(len(raw), dtype=int)
    for left, right in windows:
        label[left:right + 1] = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["timestamp", "value", "anomaly_score", "label"])
        for (stamp, value), score, lab in zip(raw, scores, label, strict=True):
            out.writerow([stamp, value, repr(float(score)), int(lab)])


def _threshold(threshold: str | float) -> float | None:
    if threshold == "optimized":
        return None
    if threshold == "shipped":
        return SHIPPED_THRESHOLD
    try:
        return float(threshold)  # a fixed number, e.g. an official NAB threshold to reproduce
    except (TypeError, ValueError):
        raise ValueError("threshold must be 'optimized', 'shipped' or a number") from None


def run_nab(data: Path, detector: str = DEFAULT_DETECTOR, threshold: str | float = "optimized",
            out: Path | None = None, progress: Progress | None = None) -> dict:
    """Score `detector` on the corpus at `data` (DIR/data/<category>/<file>.csv, DIR/labels/).

    Writes NAB-format results to `out/<detector>/<category>/<detector>_<file>.csv` (a new
    temporary folder when None), then scores each profile either at NAB's corpus-optimised
    threshold ("optimized", an oracle that sees the labels) or at Vigie's alert threshold
    ("shipped", the same for every profile). Scores are normalised: null detector 0, perfect 100.
    """
    data = Path(data).resolve()
    fixed = _threshold(threshold)
    windows = load_labels(data)
    if out is None:
        out = Path(tempfile.mkdtemp(prefix="vigie-nab-"))
    out = Path(out).resolve()
    if out == data or out.is_relative_to(data):
        raise ValueError(f"refusing to write results inside the corpus: {out}")
    make_detector(detector)  # fail on an unknown name before any work

    results: dict[str, tuple[np.ndarray, list[tuple[int, int]]]] = {}
    points, seconds = 0, 0.0
    keys = sorted(windows)
    for done, key in enumerate(keys, start=1):
        category, name = key.split("/", 1)
        path = data / "data" / category / name
        if not path.is_file():
            raise FileNotFoundError(f"labels name {key} but {path} is missing")
        stamps, values, raw = read_series(path)
        rows = nab.window_rows(stamps, windows[key])
        # A fresh detector per file; its threshold only sets where its refractory period starts.
        det = make_detector(detector, fixed if fixed is not None else SHIPPED_THRESHOLD)
        start = time.perf_counter()
        scores = [det.update(v, t) for t, v in zip(stamps, values, strict=True)]
        seconds += time.perf_counter() - start
        points += len(values)
        write_results(out / detector / category / f"{detector}_{name}", raw, scores, rows)
        results[key] = (np.asarray(scores, dtype=float), rows)
        if progress is not None:
            progress(done, len(keys), key)

    scored = nab.score_corpus(results, threshold=fixed)
    report: dict = {name: round(s["score"], 4) for name, s in scored.items()}
    report["threshold"] = {name: s["threshold"] for name, s in scored.items()}
    report["raw"] = {name: round(s["raw"], 6) for name, s in scored.items()}
    report.update({
        "files": len(results),
        "windows": sum(len(w) for _, w in results.values()),
        "points": points,
        "points_per_s": round(points / seconds) if seconds else None,
        "detector": detector,
        "threshold_mode": threshold,
        "data": str(data),
        "out": str(out),
        "cores": os.cpu_count(),
    })
    (out / detector).mkdir(parents=True, exist_ok=True)
    (out / detector / "scores.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report
