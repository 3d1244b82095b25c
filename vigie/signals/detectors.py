"""Streaming spike detectors for mention-volume series: O(1) work per bucket, anomaly score in [0, 1]. See docs/early-warning.md"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Protocol

import numpy as np

# The score Vigie alerts at: a bucket this unusual (or more) raises an alarm. Chosen on the
# realTweets corpus with leave-files-out checks, see docs/early-warning.md.
SHIPPED_THRESHOLD = 0.5

DAY = 86400.0
UNIT_SAMPLE = 16  # buckets read before choosing the log scale's unit
DROP_CLIP = 3.0  # a drop must last about half an hour of 5-minute buckets, however deep, to count


class Detector(Protocol):
    """What the benchmark and the alerting loop need from a detector."""

    def update(self, value: float | None, timestamp: datetime | float | None = None) -> float: ...


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
    """Epoch seconds; a naive datetime is read as UTC (NAB files are naive local wall-clock time,
    and keeping that wall clock is what the time-of-day profile wants)."""
    if isinstance(timestamp, datetime):
        return (timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)).timestamp()
    return float(timestamp)


class SpikeDetector:
    """Seasonal, robust, self-calibrating spike detector, fed one bucket at a time in O(1).

    For each bucket:

    1. value -> log scale (`log1p(value / unit)`, unit 1 for counts);
    2. deviation from a baseline = EWMA level + time-of-day offset + day-of-week offset, each
       learnt with Huber-clipped updates so a burst does not drag the baseline along;
    3. z-scores: EWMAs of the deviation over SPANS buckets (1 = the bucket itself, 4 and 16 =
       a rise that lasts), divided by an EWMA of absolute deviations;
    4. rarity = -log10 of each z's tail probability among this series' own past z-scores
       (TailCalibrator), averaged over spans, +1 when the value is the highest ever seen;
    5. strength = the largest z in units of its own noise level (a span-16 EWMA of white noise
       is 4x steadier than one bucket), so noise, however rare it looks, never alarms;
    6. score = min(rarity / RARITY_SCALE, strength / STRENGTH_SCALE), clipped to [0, 1]: an
       alarm (score >= threshold) needs both a rare and a strong deviation.

    Drops (direction "both" or "down") need every span to agree and must last (DROP_CLIP),
    because a single empty bucket is usually a collection glitch. After an alarm the score is
    held at 0 for `refractory_days` unless the deviation grows ESCALATION times stronger: an
    alert channel, like NAB, only values the first alarm of an event. An alarm nobody acts on
    must not silence the event: `update(..., arm=False)` leaves the hold to the caller, who calls
    `confirm_alarm()` when an alert rule accepts the bucket (too few mentions: no hold).
    """

    name = "vigie"
    SPANS = (1, 4, 16)
    LEVEL_DAYS = 3.5  # half-life of the level and spread
    SEASON_DAYS = 7.0  # half-life of each time-of-day offset
    WEEK_DAYS = 28.0  # half-life of each day-of-week offset
    SLOTS = 24  # time-of-day offsets: one per hour
    CALIBRATION_POINTS = 4000.0  # half-life of the z-score history, in buckets
    WARMUP_DAYS = 1.0  # no score until a day of data has set the baseline
    MIN_POINTS = 50  # floor on warm-up and level half-life for coarse series (hourly, daily)
    CLIP = 3.0  # Huber clipping of learning updates, in spreads
    RECORD_BONUS = 1.0  # rarity added for a new all-time high
    RARITY_SCALE = 4.4  # rarity 2.2 (p ~ 1/160 on every span) scores 0.5
    STRENGTH_SCALE = 12.0  # strength 6 (about 4.8 sigma of Gaussian noise) scores 0.5
    ESCALATION = 2.0
    MIN_SPREAD = 0.05  # on the log scale: 5%

    def __init__(self, *, direction: str = "both", threshold: float = SHIPPED_THRESHOLD,
                 step: float | None = None, refractory_days: float = 1.0) -> None:
        if direction not in ("both", "up", "down"):
            raise ValueError("direction must be 'both', 'up' or 'down'")
        self.direction, self.threshold, self.refractory_days = direction, threshold, refractory_days
        self.step = step  # seconds between buckets; guessed from the first timestamps when None
        self.calibrators = [TailCalibrator(self.CALIBRATION_POINTS) for _ in self.SPANS]
        self._weights = [2.0 / (k + 1.0) for k in self.SPANS]
        # Standard deviation of each span's EWMA of white noise, relative to one bucket's.
        self._noise = [math.sqrt(w / (2.0 - w)) for w in self._weights]
        self._smooth = [0.0] * len(self.SPANS)
        self._drop = 0.0  # longest-span EWMA of deviations clipped at -DROP_CLIP spreads
        self._level = self._spread = self._high = 0.0
        self._season, self._season_n = [0.0] * self.SLOTS, [0] * self.SLOTS
        self._week, self._week_n = [0.0] * 7, [0] * 7
        self._n = 0
        self._unit: float | None = None
        self._buffer: list[tuple[float, float]] = []
        self._gaps: list[float] = []
        self._last_t: float | None = None
        self._alarm_t, self._alarm_z = -math.inf, 0.0
        self._unheld: tuple[float, float] | None = None  # (time, z) of the last score not held at 0
        self._set_rates()

    def _set_rates(self) -> None:
        per_day = DAY / (self.step or 300.0)
        self._per_day = per_day
        self._a_level = _halflife_rate(max(self.LEVEL_DAYS * per_day, self.MIN_POINTS))
        self._a_season = _halflife_rate(self.SEASON_DAYS * max(per_day / self.SLOTS, 1.0))
        self._a_week = _halflife_rate(self.WEEK_DAYS * per_day)
        self._warmup = max(self.WARMUP_DAYS * per_day, self.MIN_POINTS)
        self._seasonal = per_day >= self.SLOTS / 2  # a daily profile needs a bucket every 2 hours

    def _observe_time(self, t: float) -> None:
        if self._last_t is not None and self.step is None and t > self._last_t:
            self._gaps.append(t - self._last_t)
            if len(self._gaps) == 15:  # the median of the first gaps ignores missing buckets
                self.step = sorted(self._gaps)[7]
                self._gaps = []
                self._set_rates()
        self._last_t = t

    def update(self, value: float | None, timestamp: datetime | float | int | None = None, *,
               arm: bool = True) -> float:
        """Score one bucket; None or NaN means missing: nothing is learnt and the score is 0.

        ``arm``: whether a score at the threshold starts the refractory period by itself. Callers
        that filter alarms further (alert rules with a minimum of mentions) pass False and call
        `confirm_alarm()` for the alarms they accept.
        """
        self._unheld = None
        if value is None or not math.isfinite(value):
            return 0.0
        t = _seconds(timestamp) if timestamp is not None else (self._n + len(self._buffer)) * (self.step or 300.0)
        if self._unit is None:
            # The log scale needs a unit: 1 for counts, else 1% of the series' typical size,
            # so CPU percentages, prices and byte counts all get the same treatment.
            self._buffer.append((float(value), t))
            if len(self._buffer) < UNIT_SAMPLE:
                return 0.0
            values = [v for v, _ in self._buffer]
            typical = sorted(abs(v) for v in values)[len(values) // 2]
            counts = all(v == int(v) for v in values)
            self._unit = 1.0 if counts or typical <= 0 else min(1.0, typical / 100.0)
            buffered, self._buffer = self._buffer, []
            return [self._process(v, s, arm) for v, s in buffered][-1]
        return self._process(float(value), t, arm)

    def confirm_alarm(self) -> None:
        """Start the refractory period at the bucket just scored (after `update(..., arm=False)`);
        nothing happens when that bucket's score was 0 or held."""
        if self._unheld is not None:
            self._alarm_t, self._alarm_z = self._unheld

    def _process(self, value: float, t: float, arm: bool = True) -> float:
        self._observe_time(t)
        assert self._unit is not None
        x = math.copysign(math.log1p(abs(value) / self._unit), value)
        self._n += 1
        if self._n == 1:
            self._level = self._high = x
        slot = int((t % DAY) / DAY * self.SLOTS) if self._seasonal else 0
        wday = int(t // DAY) % 7
        n_slot, n_week = self._season_n[slot], self._week_n[wday]
        # Offsets are shrunk towards 0 while they rest on few observations.
        daily = self._season[slot] * n_slot / (n_slot + 2.0)
        weeks = n_week / self._per_day
        weekly = self._week[wday] * weeks / (weeks + 2.0) if self._seasonal else 0.0
        pred = self._level + daily + weekly
        dev = x - pred
        spread = max(self._spread, self.MIN_SPREAD)
        zs = []
        for j, w in enumerate(self._weights):
            self._smooth[j] += w * (dev - self._smooth[j])
            zs.append(self._smooth[j] / spread)
        self._drop += self._weights[-1] * (max(dev / spread, -DROP_CLIP) - self._drop)

        score = 0.0
        if self._n > self._warmup:
            score = self._score(zs, x)
            for cal, z in zip(self.calibrators, zs, strict=True):
                cal.add(z)
        self._learn(x, pred, dev, spread, daily, weekly, slot, wday)
        if score:
            z_max = max(abs(z) for z in zs)
            if t - self._alarm_t < self.refractory_days * DAY and z_max <= self.ESCALATION * self._alarm_z:
                score = 0.0  # this event already raised an alarm and has not grown enough
            else:
                self._unheld = (t, z_max)
                if arm and score >= self.threshold:
                    self._alarm_t, self._alarm_z = t, z_max
        return score

    def _score(self, zs: list[float], x: float) -> float:
        up = down = 0.0
        pairs = list(zip(self.calibrators, zs, self._noise, strict=True))
        if self.direction != "down" and max(zs) > 0:
            rarity = sum(-math.log10(c.upper(z)) for c, z, _ in pairs) / len(pairs)
            rarity += self.RECORD_BONUS if x > self._high else 0.0
            strength = max(z / f for _, z, f in pairs)
            up = min(rarity / self.RARITY_SCALE, strength / self.STRENGTH_SCALE)
        if self.direction != "up" and max(zs) < 0:
            rarity = min(-math.log10(c.lower(z)) for c, z, _ in pairs)
            strength = -self._drop / self._noise[-1]
            down = min(rarity / self.RARITY_SCALE, strength / self.STRENGTH_SCALE)
        return min(1.0, max(up, down))

    def _learn(self, x: float, pred: float, dev: float, spread: float, daily: float, weekly: float,
               slot: int, wday: int) -> None:
        self._high = max(self._high, x)
        # Huber-style clipping: one burst must not drag the baseline or the spread with it.
        dev = max(-self.CLIP * spread, min(self.CLIP * spread, dev))
        x = pred + dev
        # Plain running means while there is little history: first values are not trusted alone.
        rate = max(self._a_level, 1.0 / self._n) if self._n < self._warmup else self._a_level
        self._level += rate * (x - daily - weekly - self._level)
        self._spread += rate * (abs(dev) - self._spread)
        n_slot = self._season_n[slot]
        self._season[slot] += max(self._a_season, 1.0 / (n_slot + 1)) * (x - self._level - weekly - self._season[slot])
        self._season_n[slot] = n_slot + 1
        if self._seasonal:
            n_week = self._week_n[wday]
            self._week[wday] += max(self._a_week, 1.0 / (n_week + 1)) * (x - self._level - daily - self._week[wday])
            self._week_n[wday] = n_week + 1

    def run(self, timestamps: Sequence[datetime | float], values: Iterable[float | None]) -> list[float]:
        """Score a whole series in order (convenience for benchmarks and tests)."""
        return [self.update(v, t) for t, v in zip(timestamps, values, strict=True)]


class WindowedGaussian:
    """NAB's `windowedGaussian` baseline (6400-value window, refreshed every 100 values).

    Kept as a reference: it reproduces NAB's published outputs, which checks the benchmark
    harness end to end. Not O(1) per point, and not what Vigie alerts with.
    """

    name = "windowedGaussian"
    WINDOW, STEP = 6400, 100

    def __init__(self, **_: object) -> None:  # takes (and ignores) the threshold like the others
        self._window: list[float] = []
        self._pending: list[float] = []
        self._mean, self._std = 0.0, 1.0

    def update(self, value: float | None, timestamp: object = None) -> float:
        if value is None or not math.isfinite(value):
            return 0.0
        score = 0.0
        if self._window:
            z = abs(value - self._mean) / self._std
            score = 1.0 - 0.5 * math.erfc(z / math.sqrt(2.0))
            # NAB stored scores via Python 2's str(): 12 significant digits, so 1 - 1e-13 became
            # 1.0 and counted at its published threshold of 1.0. Round the same way to match it.
            score = float(f"{score:.12g}")
        if len(self._window) < self.WINDOW:
            self._window.append(value)
            self._refresh()
        else:
            self._pending.append(value)
            if len(self._pending) == self.STEP:
                self._window = self._window[self.STEP:] + self._pending
                self._pending = []
                self._refresh()
        return score

    def _refresh(self) -> None:
        data = np.asarray(self._window)
        self._mean, self._std = float(data.mean()), float(data.std()) or 1e-6

    def run(self, timestamps: Sequence[object], values: Iterable[float | None]) -> list[float]:
        return [self.update(v, t) for t, v in zip(timestamps, values, strict=True)]


DETECTORS: dict[str, Callable[..., Detector]] = {
    "vigie": SpikeDetector,  # both directions: the general detector `vigie bench nab` measures
    "vigie-up": partial(SpikeDetector, direction="up"),  # surges only: mention-volume alerts
    "windowedGaussian": WindowedGaussian,
}


def make_detector(name: str, threshold: float = SHIPPED_THRESHOLD) -> Detector:
    """A fresh detector by name; `threshold` is where it starts its refractory period."""
    try:
        factory = DETECTORS[name]
    except KeyError:
        raise ValueError(f"unknown detector {name!r}; choose from {', '.join(DETECTORS)}") from None
    return factory(threshold=threshold)
