"""Per-watch series: 5-minute buckets across time zones and DST, counts, missing buckets, restarts."""

import math
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from vigie.signals.detectors import SHIPPED_THRESHOLD
from vigie.signals.series import (
    TOTAL,
    Counts,
    SeriesBook,
    as_datetime,
    bucket_of,
    is_negative,
    local_seconds,
)

TORONTO = ZoneInfo("America/Toronto")


class Recorder:
    """A detector that remembers what it was fed."""

    def __init__(self, metric):
        self.metric, self.fed = metric, []

    def update(self, value, t):
        self.fed.append((t, value))
        return 0.0


def _local(epoch, tz):
    return as_datetime(epoch).astimezone(tz)


def test_buckets_start_on_local_five_minute_marks_in_half_and_quarter_hour_zones():
    for zone in ("Asia/Kathmandu", "Asia/Kolkata", "America/St_Johns", "Australia/Eucla"):
        tz = ZoneInfo(zone)
        when = datetime(2024, 7, 1, 10, 7, 31, tzinfo=tz)
        start = _local(bucket_of(when), tz)
        assert (start.hour, start.minute, start.second) == (10, 5, 0), zone


def test_fall_back_repeated_hour_gives_two_buckets_with_the_same_local_clock():
    first = datetime(2024, 11, 3, 5, 32, tzinfo=UTC)  # 01:32 EDT
    second = datetime(2024, 11, 3, 6, 32, tzinfo=UTC)  # 01:32 EST, an hour later
    a, b = bucket_of(first), bucket_of(second)
    assert b - a == 3600
    assert _local(a, TORONTO).strftime("%H:%M") == _local(b, TORONTO).strftime("%H:%M") == "01:30"
    # The detector's time of day is local: both buckets sit in the same daily slot.
    assert local_seconds(a, TORONTO) % 86400 == local_seconds(b, TORONTO) % 86400 == 5400


def test_spring_forward_buckets_stay_consecutive_while_local_clock_jumps():
    before = bucket_of(datetime(2024, 3, 10, 6, 55, tzinfo=UTC))  # 01:55 EST
    after = before + 300  # 03:00 EDT
    assert _local(after, TORONTO).strftime("%H:%M") == "03:00"
    assert local_seconds(after, TORONTO) - local_seconds(before, TORONTO) == 300 + 3600


def test_missing_sentiment_is_unknown_and_never_negative():
    assert is_negative(None) is None and is_negative("") is None
    assert is_negative("négatif") and is_negative("negative") and is_negative(-0.8)
    assert is_negative("positive") is False and is_negative(0.1) is False
    counts = Counts.of({"sentiment": None, "reach": None})
    assert (counts.n, counts.negative, counts.known, counts.reach) == (1, 0, 0, 1)
    assert counts.value("share") is None  # no known sentiment: the share is missing, not 0


def _rows(when, channel="social", n=1, **extra):
    return [({"channel": channel, "published_at": when, "collected_at": when, **extra}, [1])] * n


def test_counts_land_in_overall_and_channel_series(store, workspace):
    watch = store.add_watch(workspace["id"], "Marque", "hydro")
    book = SeriesBook(store, workspace, detector_factory=Recorder)
    t0 = datetime(2024, 6, 3, 14, 2, tzinfo=UTC)
    pairs = [({"channel": "social", "published_at": t0, "collected_at": t0, "sentiment": "negative", "reach": 500},
              [watch["id"]]),
             ({"channel": "online_press", "published_at": t0, "collected_at": t0, "outlet_audience": 90_000},
              [watch["id"]])]
    book.record(pairs, t0)
    found = book._counts([watch["id"]], bucket_of(t0), bucket_of(t0) + 300)
    total = found[(watch["id"], TOTAL)][bucket_of(t0)]
    assert (total.n, total.negative, total.known, total.reach) == (2, 1, 1, 90_500)
    assert found[(watch["id"], "social")][bucket_of(t0)].value("share") == 1.0
    assert found[(watch["id"], "online_press")][bucket_of(t0)].value("share") is None


def test_late_mention_counts_in_the_bucket_it_was_published_in(store, workspace):
    watch = store.add_watch(workspace["id"], "Marque", "hydro")
    book = SeriesBook(store, workspace, detector_factory=Recorder)
    now = datetime(2024, 6, 3, 14, 2, tzinfo=UTC)
    published = now - timedelta(minutes=12)
    book.record([({"channel": "blog", "published_at": published, "collected_at": now}, [watch["id"]])], now)
    assert set(book._counts([watch["id"]], bucket_of(published) - 3600, bucket_of(now) + 300)[(watch["id"], TOTAL)]) \
        == {bucket_of(published)}


def test_quiet_buckets_are_zero_and_outage_buckets_are_missing(store, workspace, settings):
    watch = store.add_watch(workspace["id"], "Marque", "hydro")
    book = SeriesBook(store, workspace, settings, detector_factory=Recorder)
    t0 = datetime(2024, 6, 3, 12, 0, tzinfo=UTC)
    book.record([({"channel": "social", "published_at": t0, "collected_at": t0}, [watch["id"]])], t0)
    book.record([], t0 + timedelta(minutes=30))  # a fetch that found nothing: Vigie was listening
    outage_end = t0 + timedelta(hours=5)  # then nothing at all for 4.5 hours: Vigie was down
    book.record([({"channel": "social", "published_at": outage_end, "collected_at": outage_end}, [watch["id"]])],
                outage_end)
    book.advance(outage_end + timedelta(hours=1))
    fed = dict(book.series[(watch["id"], TOTAL)].detectors["volume"].fed)
    at = {round((t - local_seconds(bucket_of(t0), book.tz)) / 300): v for t, v in fed.items()}
    assert at[0] == 1.0 and at[1] == 0.0 and at[5] == 0.0  # quiet but watched
    assert at[20] is None  # inside the outage
    assert at[60] == 1.0


def test_detectors_resume_after_restart_from_snapshot_and_replay(store, workspace, settings):
    watch = store.add_watch(workspace["id"], "Marque", "hydro")
    start = datetime(2024, 6, 1, tzinfo=UTC)
    rng = random.Random(3)
    book = SeriesBook(store, workspace, settings)
    book.seed(watch["id"], TOTAL, [(start + timedelta(minutes=5 * i), Counts(rng.randint(5, 15)))
                                   for i in range(600)])
    now = start + timedelta(minutes=5 * 400)
    book.advance(now)
    book.save()
    book.advance(start + timedelta(minutes=5 * 650))  # learnt after the snapshot: lost in a crash
    restarted = SeriesBook(store, workspace, settings)
    assert restarted.series[(watch["id"], TOTAL)].through < book.series[(watch["id"], TOTAL)].through
    restarted.advance(start + timedelta(minutes=5 * 650))  # replays the stored counts
    mine, theirs = book.series[(watch["id"], TOTAL)], restarted.series[(watch["id"], TOTAL)]
    assert mine.through == theirs.through
    assert math.isclose(mine.baseline["volume"], theirs.baseline["volume"])
    assert mine.detectors["volume"].update(40.0, 1e9) == theirs.detectors["volume"].update(40.0, 1e9)


def test_series_of_a_watch_is_rebuilt_from_mentions_stored_before_alerting_existed(store, workspace, settings,
                                                                                     monkeypatch):
    from vigie.ingest import Ingestor
    from vigie.items import Mention

    monkeypatch.setattr("vigie.signals.engine.observe", lambda *a: None)  # an install from before alerting
    watch = store.add_watch(workspace["id"], "Hydro", "hydro")
    source = store.ensure_source(workspace["id"], "import", "manual")
    old = datetime.now(UTC) - timedelta(days=2)
    Ingestor(store, workspace, source, settings).run(
        [Mention("manual", "social", f"m{i}", text=f"panne hydro numéro {i}", published_at=old) for i in range(3)])
    book = SeriesBook(store, workspace, settings, detector_factory=Recorder)
    now = datetime.now(UTC)
    book.record([({"id": 10_000, "channel": "social", "published_at": now, "collected_at": now}, [watch["id"]])], now)
    got = book._counts([watch["id"]], bucket_of(old) - 300, bucket_of(now) + 300)[(watch["id"], TOTAL)]
    assert got[bucket_of(old)].n == 3 and got[bucket_of(now)].n == 1


def test_daily_and_weekly_cycles_raise_no_alarm_but_a_burst_does(store, workspace, settings):
    watch = store.add_watch(workspace["id"], "Marque", "hydro")
    rng = random.Random(11)
    tz = ZoneInfo(workspace["timezone"])
    start = datetime(2024, 5, 1, tzinfo=UTC)
    history = []
    for i in range(21 * 288):
        when = start + timedelta(minutes=5 * i)
        local = when.astimezone(tz)
        daily = 1.0 + 0.8 * math.sin(math.pi * (local.hour + local.minute / 60 - 6) / 12)
        weekly = 0.4 if local.weekday() >= 5 else 1.0
        mean = max(0.2, 30 * daily * weekly)
        history.append((when, Counts(int(rng.gauss(mean, math.sqrt(mean))) if mean > 5 else rng.randint(0, 2))))
    book = SeriesBook(store, workspace, settings)
    book.seed(watch["id"], TOTAL, history)
    now = start + timedelta(days=21, minutes=2)  # a Wednesday, 2 minutes into a bucket
    wanted = {(TOTAL, "volume")}
    usual = book.readings([watch["id"]], wanted, now)
    assert max(r.score for r in usual) < SHIPPED_THRESHOLD
    book.seed(watch["id"], TOTAL, [(now, Counts(120))])
    burst = book.readings([watch["id"]], wanted, now)
    assert max(r.score for r in burst) >= SHIPPED_THRESHOLD


def test_a_second_process_adopts_what_another_learnt_and_never_rolls_it_back(store, workspace, settings):
    from sqlalchemy import func, select

    from vigie.signals import tables as T

    watch = store.add_watch(workspace["id"], "Marque", "hydro")
    start = datetime.now(UTC) - timedelta(days=3)
    late = SeriesBook(store, workspace, settings)  # a process started before anything was stored
    first = SeriesBook(store, workspace, settings)
    first.seed(watch["id"], TOTAL, [(start + timedelta(minutes=5 * i), Counts(10)) for i in range(600)])
    first.advance(start + timedelta(minutes=5 * 500))
    first.save()
    now = start + timedelta(minutes=5 * 400)
    late.record([({"channel": "social", "published_at": now, "collected_at": now}, [watch["id"]])], now)
    assert late.series[(watch["id"], TOTAL)].through == first.series[(watch["id"], TOTAL)].through
    first.advance(start + timedelta(minutes=5 * 590))
    first.save()
    late.series[(watch["id"], TOTAL)].dirty = True
    late.save()  # its snapshot is older: the newer one stays
    with store.engine.connect() as conn:
        stored = conn.execute(select(func.min(T.signal_detectors.c.through))).scalar()
    assert bucket_of(stored) == first.series[(watch["id"], TOTAL)].through
