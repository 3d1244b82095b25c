"""The detector's one-day hold after an alarm starts only at an alarm a rule accepts: a growing story
whose first buckets hold too few mentions still alerts once one reaches the rule's minimum."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from vigie.crisis.drills import run_drill
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.signals import engine as engines
from vigie.signals.alerts import AlertBook
from vigie.signals.detectors import SHIPPED_THRESHOLD, SpikeDetector
from vigie.signals.engine import AlertEngine
from vigie.signals.rules import add_rule
from vigie.signals.series import TOTAL, Counts

STEP = 300.0
START = 1_700_000_000.0
QUIET = 3 * 288  # three days of 5-minute buckets
NOW = datetime(2024, 6, 5, 16, 0, tzinfo=UTC)
OUTAGE = "Panne d'électricité chez Hydro dans tout le quartier Limoilou depuis ce matin {n}"


def _quiet_then(ramp: list[float], **options) -> tuple[SpikeDetector, list[float]]:
    """Three days of one mention an hour, then ``ramp``, one bucket each: the detector and the ramp's scores."""
    detector = SpikeDetector(step=STEP, direction="up")
    for i in range(QUIET):
        detector.update(1.0 if i % 12 == 0 else 0.0, START + i * STEP)
    return detector, [detector.update(v, START + (QUIET + i) * STEP, **options) for i, v in enumerate(ramp)]


def test_an_alarm_nobody_confirms_does_not_hold_back_the_buckets_that_follow():
    _, armed = _quiet_then([4, 9, 18])
    assert armed[0] >= SHIPPED_THRESHOLD and armed[1:] == [0.0, 0.0]  # self-arming (NAB): the first holds the rest
    detector, unconfirmed = _quiet_then([4, 9, 18], arm=False)
    assert min(unconfirmed) >= SHIPPED_THRESHOLD
    detector.confirm_alarm()  # the caller acted on the 18-mention bucket: from now on the event is held
    assert detector.update(18, START + (QUIET + 3) * STEP) == 0.0


@pytest.fixture
def engine(store, workspace, settings):
    eng = AlertEngine(store, workspace, settings, background=False)
    yield eng
    eng.dispatcher.close(0)


@pytest.fixture
def watch(store, workspace, engine):
    """A watch with three quiet days behind it: a story of a handful of mentions is already unusual."""
    watch = store.add_watch(workspace["id"], "Hydro", "hydro")
    start = NOW - timedelta(days=3)
    engine.series.seed(watch["id"], TOTAL, [(start + timedelta(minutes=5 * i), Counts(1 if i % 12 == 0 else 0))
                                            for i in range(QUIET)])
    return watch


@pytest.fixture
def ingest(store, workspace, settings, monkeypatch):
    """Store mentions for real; hand their (row, watch ids) to the test instead of the live hook."""
    def run(n, start, published_at):
        captured = []
        monkeypatch.setattr("vigie.signals.engine.observe", lambda _s, _w, pairs: captured.extend(pairs))
        source = store.ensure_source(workspace["id"], "test", "manual")
        Ingestor(store, workspace, source, settings).run([
            Mention("manual", "social", f"o-{start + i}", text=OUTAGE.format(n=start + i), published_at=published_at)
            for i in range(n)])
        return captured
    return run


def _alerts(store, workspace):
    return AlertBook(store, workspace).list(limit=100)


def test_a_story_growing_4_9_18_alerts_once_its_bucket_reaches_the_minimum(store, workspace, watch, engine, ingest):
    add_rule(store, workspace["id"], "Pic", "spike")  # the shipped rule: at least 10 mentions in the bucket
    alerts_after, fed = [], 0
    for i, count in enumerate((4, 9, 18)):  # three consecutive buckets, each scored while it fills
        bucket = NOW + timedelta(minutes=5 * i)
        engine.observe(ingest(count, fed, bucket + timedelta(minutes=1)), bucket + timedelta(minutes=4))
        fed += count
        alerts_after.append(len(_alerts(store, workspace)))
    assert alerts_after == [0, 0, 1]
    assert _alerts(store, workspace)[0]["explanation"]["mentions"] == 18


def test_a_learnt_alarm_refused_for_too_few_mentions_does_not_hold_back_a_later_burst(store, workspace, watch,
                                                                                       engine, ingest):
    add_rule(store, workspace["id"], "Pic", "spike")
    engine.observe(ingest(4, 0, NOW), NOW + timedelta(minutes=2))
    engine.tick(NOW + timedelta(minutes=30))  # the 4-mention bucket is learnt: unusual, but refused
    later = NOW + timedelta(minutes=35)
    engine.observe(ingest(18, 4, later), later + timedelta(minutes=3))
    [alert] = _alerts(store, workspace)
    assert alert["kind"] == "spike" and alert["explanation"]["mentions"] == 18


def test_a_drill_with_no_rules_of_its_own_detects_with_the_shipped_rule_and_releases_its_engine(store, workspace,
                                                                                                  settings):
    store.add_watch(workspace["id"], "marque", '"Ville de Démo"')
    try:
        result = run_drill(SimpleNamespace(store=store, settings=settings), workspace, "outage", ack_after=60, seed=3)
        assert result["rules"] == ["drill: spike"] and result["detected"] is True
        assert 0 < result["time_to_detect_s"] < 45 * 60
        sandbox = store.get_workspace(result["sandbox"])
        assert sandbox["id"] not in engines._ENGINES.get(store, {})
    finally:
        engines.forget(store)
