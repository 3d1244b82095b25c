"""Streaming spike detectors for mention-volume series: O(1) work per bucket, anomaly score in [0, 1]. See docs/early-warning.md"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

# The score Vigie alerts at: a bucket this unusual (or more) raises an alarm. Chosen on the
# realTweets corpus with leave-files-out checks, see docs/early-warning.md.
SHIPPED_THRESHOLD = 0.7

DAY = 86400.0


def _halflife_rate(points: float) -> float:
    """EWMA weight for a half-life counted in observations."""
    return 1.0 - 0.5 ** (1.0 / max(points, 1.0))


class _Fenwick:
    """Prefix sums over fixed bins in O(log bins), for the decayed histogram of surprises."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.tree = [0.0] * (size + 1)
        self.total = 0.0

    def add(self, index: int, weight: float) -> None:
        self.total += weight
        i, tree, size = index + 1, self.tree, self.size
        while i <= size:
            tree[i] += weight
            i += i & -i

    def below(self, index: int) -> float:
        """Total weight of bins [0, index)."""
        s, tree, i = 0.0, self.tree, index
        while i > 0:
            s += tree[i]
            i -= i & -i
        return s

    def scale(self, factor: float) -> None:
        self.tree = [w * factor for w in self.tree]
        self.total *= factor


class TailCalibrator:
    """Empirical tail probabilities of a statistic over a decayed history, in O(log bins).

    Detectors emit z-scores whose spread differs from series to series (bursty news accounts,
    quiet accounts, CPU metrics); ranking each z against the series' own past makes one alert
    threshold mean the same rarity everywhere.
    """

    LOW, HIGH, STEP = -40.0, 40.0, 0.1

    def __init__(self, halflife: float) -> None:
        self.bins = int((self.HIGH - self.LOW) / self.STEP) + 1
        self.hist = _Fenwick(self.bins)
        self.weight = 1.0  # weight of the next sample; grows instead of decaying the past
        self.growth = 0.5 ** (-1.0 / halflife)

    def _bin(self, z: float) -> int:
        b = int((z - self.LOW) / self.STEP)
        return 0 if b < 0 else (self.bins - 1 if b >= self.bins else b)

    def upper(self, z: float) -> float:
        """P(Z >= z), counting the new point itself so it is never 0."""
        h = self.hist
        return (h.total - h.below(self._bin(z)) + self.weight) / (h.total + self.weight)

    def lower(self, z: float) -> float:
        """P(Z <= z)."""
        h = self.hist
        return (h.below(self._bin(z) + 1) + self.weight) / (h.total + self.weight)

    def add(self, z: float) -> None:
        self.hist.add(self._bin(z), self.weight)
        self.weight *= self.growth
        if self.weight > 1e100:
            self.hist.scale(1.0 / self.weight)
            self.weight = 1.0


def _seconds(timestamp: datetime | float | int) -> float:
    return timestamp.timestamp() if isinstance(timestamp, datetime) else float(timestamp)


class SpikeDetector:
    """Robust, seasonal, self-calibrating spike detector; feed it one bucket at a time.

    Per bucket: value -> signed log1p -> deviation from an EWMA level plus a time-of-day offset
    (used only while it predicts better than the flat level) -> z-score against an EWMA of
    absolute deviations -> tail probability of that z among the series' own past z-scores, with a
    bonus when the value breaks the series' all-time range -> score = -log10(p) / 4, clipped to
    [0, 1]. After an alarm, scores are held at 0 for `refractory_days` unless the surge becomes
    `escalation` times stronger, because an alert channel (like NAB) only values the first alarm.
    """

    name = "vigie"

    def __init__(
        self,
        *,
        step: float | None = None,
        level_days: float = 3.5,
        season_days: float = 7.0,
        slots: int = 24,
        calibration_points: float = 4000.0,
        warmup_days: float = 1.0,
        refractory_days: float = 1.0,
        escalation: float = 2.0,
        record_bonus: float = 1.0,
        direction: str = "both",
        transform: str = "log1p",
        threshold: float = SHIPPED_THRESHOLD,
        min_points: float = 50.0,
    ) -> None:
        if direction not in ("both", "up", "down"):
            raise ValueError("direction must be 'both', 'up' or 'down'")
        self.step = step
        self.level_days, self.season_days, self.slots = level_days, season_days, slots
        self.warmup_days, self.refractory_days = warmup_days, refractory_days
        self.escalation, self.record_bonus = escalation, record_bonus
        self.direction, self.transform, self.threshold = direction, transform, threshold
        self.min_points = min_points
        self.calibrator = TailCalibrator(calibration_points)
        self._gaps: list[float] = []
        self._last_t: float | None = None
        self._n = 0
        self._level: float | None = None
        self._spread = 0.0
        self._season = [0.0] * slots
        self._season_n = [0] * slots
        self._err_flat = self._err_season = 0.0
        self._high = self._low = 0.0
        self._alarm_t = -math.inf
        self._alarm_z = 0.0

    # -- time ---------------------------------------------------------------------------------
    def _observe_time(self, t: float) -> None:
        if self._last_t is not None and self.step is None and t > self._last_t:
            self._gaps.append(t - self._last_t)
            if len(self._gaps) == 16:  # the median of the first gaps ignores missing buckets
                self.step = sorted(self._gaps)[8]
                self._gaps = []
        self._last_t = t

    def _rates(self) -> tuple[float, float, float]:
        step = self.step or 300.0
        per_day = DAY / step
        level = _halflife_rate(max(self.level_days * per_day, self.min_points))
        per_slot_day = max(per_day / self.slots, 1.0)
        season = _halflife_rate(self.season_days * per_slot_day)
        warmup = max(self.warmup_days * per_day, self.min_points)
        return level, season, warmup

    # -- scoring ------------------------------------------------------------------------------
    def update(self, value: float | None, timestamp: datetime | float | int | None = None) -> float:
        """Score one bucket (None or NaN = missing: no update, score 0)."""
        if value is None or not math.isfinite(value):
            return 0.0
        t = _seconds(timestamp) if timestamp is not None else self._n * (self.step or 300.0)
        self._observe_time(t)
        x = math.copysign(math.log1p(abs(value)), value) if self.transform == "log1p" else float(value)
        self._n += 1
        if self._level is None:
            self._level, self._high, self._low = x, x, x
            return 0.0
        a_level, a_season, warmup = self._rates()
        a_level = max(a_level, 1.0 / self._n)  # plain averages until the EWMA has enough history
        slot = int((t % DAY) / DAY * self.slots) if self.step and self.step < DAY / 2 else 0
        n_slot = self._season_n[slot]
        offset = self._season[slot] * n_slot / (n_slot + 2.0)
        seasonal = self._err_season < self._err_flat
        pred = self._level + (offset if seasonal else 0.0)
        dev = x - pred
        z = dev / max(self._spread, 0.05)

        score = 0.0
        if self._n > warmup:
            cal = self.calibrator
            p_up = cal.upper(z) if self.direction != "down" else 1.0
            p_down = cal.lower(z) if self.direction != "up" else 1.0
            lp = -math.log10(min(p_up, p_down))
            if (self.direction != "down" and x > self._high) or (self.direction != "up" and x < self._low):
                lp += self.record_bonus
            score = min(1.0, lp / 4.0)
            if t - self._alarm_t < self.refractory_days * DAY and abs(z) <= self.escalation * self._alarm_z:
                score = 0.0
            elif score >= self.threshold:
                self._alarm_t, self._alarm_z = t, abs(z)
        if self._n > warmup:  # z-scores from a model still learning would inflate the tails
            self.calibrator.add(z)

        # learn
        level_dev = x - offset - self._level if seasonal else dev
        self._err_flat += a_level * (abs(x - self._level) - self._err_flat)
        self._err_season += a_level * (abs(x - self._level - offset) - self._err_season)
        self._level += a_level * level_dev
        self._spread += a_level * (abs(dev) - self._spread)
        resid = x - self._level
        if n_slot:
            self._season[slot] += a_season * (resid - self._season[slot])
        else:
            self._season[slot] = resid
        self._season_n[slot] = n_slot + 1
        self._high, self._low = max(self._high, x), min(self._low, x)
        return score

    def run(self, timestamps: Sequence[datetime | float], values: Iterable[float | None]) -> list[float]:
        """Score a whole series in order (convenience for benchmarks and tests)."""
        return [self.update(v, t) for t, v in zip(timestamps, values, strict=True)]


DETECTORS = {"vigie": SpikeDetector}
