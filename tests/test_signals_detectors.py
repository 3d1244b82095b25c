"""The streaming spike detector on synthetic 5-minute mention counts: surges, daily cycles, gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vigie.signals.detectors import SHIPPED_THRESHOLD, SpikeDetector, make_detector
from vigie.signals.state import dump_state, load_state

STEP = 300.0
DAY_BUCKETS = 288
START = 1_700_000_000.0  # epoch seconds; any origin works


def daily_counts(days: int, base: float = 20.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Poisson mention counts whose rate peaks mid-afternoon and bottoms out at night (x5 swing)."""
    rng = np.random.default_rng(seed)
    t = START + np.arange(days * DAY_BUCKETS) * STEP
    hours = (t % 86400) / 3600
    rate = base * np.exp(0.8 * np.cos(2 * np.pi * (hours - 15) / 24))
    return t, rng.poisson(rate).astype(float)


def scores(values, stamps, **options) -> np.ndarray:
    detector = SpikeDetector(step=STEP, **options)
    return np.array([detector.update(v, t) for t, v in zip(stamps, values, strict=True)])


def test_surge_on_a_daily_cycle_is_detected_within_two_buckets():
    t, v = daily_counts(10)
    start = 9 * DAY_BUCKETS + 10 * 12  # 10:00 on day 10, while the daily rise is under way
    v[start:start + 6] += np.array([60, 140, 160, 120, 90, 60])

    s = scores(v, t, direction="up")

    assert s[:start].max() < SHIPPED_THRESHOLD
    assert s[start:start + 2].max() >= SHIPPED_THRESHOLD


@pytest.mark.parametrize(("base", "seed"), [(2.0, 1), (20.0, 2), (300.0, 3)])
def test_daily_cycle_with_noise_alone_raises_no_alarm(base, seed):
    t, v = daily_counts(21, base=base, seed=seed)
    for direction in ("up", "both"):
        assert scores(v, t, direction=direction).max() < SHIPPED_THRESHOLD


def test_missing_buckets_neither_crash_nor_alarm():
    t, v = daily_counts(14, seed=4)
    keep = np.random.default_rng(5).random(len(t)) > 0.2  # a fifth of the buckets never arrive
    keep[5 * DAY_BUCKETS: 6 * DAY_BUCKETS] = False  # and a whole day of outage
    values: list[float | None] = list(v[keep])
    values[100] = None  # a bucket announced but unknown
    values[200] = math.nan

    s = scores(values, t[keep], direction="both")

    assert s[100] == 0.0 and s[200] == 0.0
    assert s.max() < SHIPPED_THRESHOLD


def test_a_lasting_drop_alarms_but_one_empty_bucket_does_not():
    t, v = daily_counts(10, base=50.0, seed=6)
    glitch, outage = 7 * DAY_BUCKETS + 150, 9 * DAY_BUCKETS + 150
    v[glitch] = 0.0
    v[outage:outage + 24] = np.round(v[outage:outage + 24] * 0.05)

    s = scores(v, t, direction="both")

    assert s[glitch - 5:glitch + 20].max() < SHIPPED_THRESHOLD
    assert s[outage:outage + 6].max() >= SHIPPED_THRESHOLD


def test_a_surge_alarms_once_unless_it_grows_much_stronger():
    t, v = daily_counts(10, seed=7)
    first = 8 * DAY_BUCKETS + 140
    v[first:first + 3] += 80  # alarm
    v[first + 30:first + 33] += 80  # the same again two hours later: held back
    v[first + 60:first + 63] += 2000  # far bigger: escalates

    alarms = np.flatnonzero(scores(v, t, direction="up") >= SHIPPED_THRESHOLD)

    assert alarms[0] in range(first, first + 2)
    assert not any(first + 25 <= a < first + 60 for a in alarms)
    assert any(first + 60 <= a < first + 63 for a in alarms)


def test_scores_do_not_depend_on_the_unit_of_non_count_series():
    t, v = daily_counts(10, seed=8)
    v[9 * DAY_BUCKETS + 150] *= 8
    small = scores(v / 1000 + 1e-6, t)  # e.g. a share or a price: not integers any more
    large = scores(v * 1000 + 0.5, t)
    assert np.flatnonzero(small >= SHIPPED_THRESHOLD).tolist() == np.flatnonzero(large >= SHIPPED_THRESHOLD).tolist()
    assert np.abs(small - large).max() < 0.05


def test_state_saved_mid_stream_resumes_identically():
    t, v = daily_counts(4, seed=9)
    reference = SpikeDetector(step=STEP)
    resumed = SpikeDetector(step=STEP)
    half = len(v) // 2
    for ti, vi in zip(t[:half], v[:half], strict=True):
        reference.update(vi, ti)
        resumed.update(vi, ti)
    resumed = load_state(dump_state(resumed), lambda: SpikeDetector(step=STEP))

    for ti, vi in zip(t[half:], v[half:], strict=True):
        assert resumed.update(vi, ti) == reference.update(vi, ti)
    # O(1) per bucket: nothing in the state grows with the length of the series.
    assert not reference._buffer and not reference._gaps and len(reference._season) == SpikeDetector.SLOTS


def test_detectors_are_made_by_name():
    assert make_detector("vigie-up").direction == "up"
    with pytest.raises(ValueError, match="unknown detector"):
        make_detector("nope")
