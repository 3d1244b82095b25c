from datetime import UTC, datetime

from vigie.enrich.rerun import reenrich
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings


def test_enrich_reruns_analyzers_over_stored_mentions(store, workspace):
    source = store.ensure_source(workspace["id"], "src", "test")
    bare = Settings(overrides={"pipeline": []})
    texts = ["Je suis tellement déçu, ce service est horrible et inacceptable",
             "What a wonderful day, thank you so much for the great help!"]
    Ingestor(store, workspace, source, bare).run([
        Mention(source="test", channel="social", external_id=str(i), text=t,
                published_at=datetime(2026, 11, 1, tzinfo=UTC)) for i, t in enumerate(texts)])
    assert {m["sentiment"] for m in store.list_mentions(workspace["id"])} == {None}
    result = reenrich(store, Settings(), workspace["id"])
    assert (result["mentions"], result["changed"]) == (2, 2)
    rows = {m["external_id"]: m for m in store.list_mentions(workspace["id"])}
    assert (rows["0"]["language"], rows["0"]["sentiment"]) == ("fr", "negative")
    assert (rows["1"]["language"], rows["1"]["sentiment"]) == ("en", "positive")
    assert rows["0"]["sentiment_model"]
    assert reenrich(store, Settings(), workspace["id"])["changed"] == 0  # idempotent
