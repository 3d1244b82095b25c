from datetime import UTC, datetime

from vigie.enrich.reach import ReachAnalyzer, estimate
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings


def test_reach_is_estimated_from_views_or_interactions():
    assert estimate({"views": 1200, "likes": 5}) == 1200
    assert estimate({"likes": 10, "shares": 2, "comments": "3"}, multiple=30) == 450
    assert estimate({"likes": 0}) is None and estimate(None) is None


def test_measured_reach_is_kept_and_only_estimates_are_recomputed():
    analyzer = ReachAnalyzer(Settings(overrides={"reach_engagement_multiple": 10}))
    measured = analyzer.process(Mention("t", "social", "1", author_followers=5000, engagement={"likes": 9}))
    assert (measured.reach, measured.reach_kind) == (5000, "measured")
    given = analyzer.process(Mention("t", "social", "2", reach=70, reach_kind="measured", engagement={"likes": 9}))
    assert (given.reach, given.reach_kind) == (70, "measured")
    old = analyzer.process(Mention("t", "social", "3", reach=999, reach_kind="estimated", engagement={"likes": 4}))
    assert (old.reach, old.reach_kind) == (40, "estimated")


def test_ingest_stores_the_estimate_labelled_estimated(store, workspace):
    source = store.ensure_source(workspace["id"], "src", "test")
    when = datetime(2026, 11, 1, tzinfo=UTC)
    Ingestor(store, workspace, source, Settings(), analyzers=[ReachAnalyzer()]).run([
        Mention("test", "social", "a", text="x", engagement={"likes": 3, "shares": 1}, published_at=when),
        Mention("test", "social", "b", text="y", author_followers=800, engagement={"likes": 3}, published_at=when),
        Mention("test", "social", "c", text="z", published_at=when)])
    rows = {m["external_id"]: (m["reach"], m["reach_kind"]) for m in store.list_mentions(workspace["id"])}
    assert rows == {"a": (120, "estimated"), "b": (800, "measured"), "c": (None, None)}
