import pytest

from vigie.enrich.corrections import export_corrections, record_correction
from vigie.enrich.language import LanguageAnalyzer
from vigie.enrich.sentiment import SentimentAnalyzer
from vigie.exceptions import BadRequest
from vigie.ingest import Ingestor
from vigie.items import Mention
from vigie.settings import Settings


def _ingest(store, workspace, texts):
    source = store.add_source(workspace["id"], "manuel", "manual", {})
    mentions = [Mention(source="manual", channel="social", external_id=str(i), text=t) for i, t in enumerate(texts)]
    Ingestor(store, workspace, source, Settings(), analyzers=[LanguageAnalyzer(), SentimentAnalyzer()]).run(mentions)
    return store.list_mentions(workspace["id"])


def test_ingest_stores_language_and_sentiment_with_their_models(store, workspace):
    rows = _ingest(store, workspace, ["Merci pour ce magnifique festival, bravo aux bénévoles !"])
    row = rows[0]
    assert (row["language"], row["sentiment"]) == ("fr", "positive")
    assert row["sentiment_score"] > 0 and row["sentiment_model"].startswith("vigie-sentiment-lr")
    assert row["language_model"].startswith("py3langid")


def test_correction_is_kept_shown_on_mention_and_exported(store, workspace):
    mention = _ingest(store, workspace, ["Le pont sera fermé trois semaines pour des travaux"])[0]
    record_correction(store, workspace["id"], mention["id"], "negative", user="agathe")
    record_correction(store, workspace["id"], mention["id"], "Neutral", user="agathe")
    shown = store.get_mention(mention["id"])
    assert (shown["sentiment"], shown["sentiment_model"]) == ("neutral", "correction:agathe")
    exported = export_corrections(store, workspace["id"])
    assert [(e["label"], e["language"]) for e in exported] == [("neutral", "fr")]
    assert exported[0]["text"].startswith("Le pont")


def test_correction_rejects_unknown_label_and_other_workspace(store, workspace):
    mention = _ingest(store, workspace, ["Belle journée au parc"])[0]
    other = store.create_workspace("autre", "Autre")
    with pytest.raises(BadRequest):
        record_correction(store, workspace["id"], mention["id"], "furious")
    with pytest.raises(BadRequest):
        record_correction(store, other["id"], mention["id"], "positive")
