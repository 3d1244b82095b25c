import sys

import pytest

from vigie.enrich.sentiment import SentimentAnalyzer, windows
from vigie.enrich.sentiment_model import SentimentModel, shipped_model
from vigie.exceptions import NotConfigured
from vigie.items import Mention
from vigie.plugins import get_plugin_manager


@pytest.fixture(scope="module")
def analyzer():
    return SentimentAnalyzer()


def _mention(text, language):
    return Mention(source="manual", channel="social", external_id="1", text=text, language=language)


def test_clear_french_and_english_posts_get_their_sentiment(analyzer):
    assert analyzer.analyze("Merci beaucoup pour ce magnifique spectacle, c'était génial ! 😍", "fr").label == "positive"
    assert analyzer.analyze("Encore une panne, service nul, c'est honteux et inacceptable", "fr").label == "negative"
    assert analyzer.analyze("I love this, best day ever, thank you so much! :)", "en").label == "positive"
    assert analyzer.analyze("This is the worst service ever, awful and disgusting", "en").label == "negative"


def test_score_is_positive_minus_negative_probability(analyzer):
    result = analyzer.analyze("Super bonne nouvelle pour le quartier, bravo !", "fr")
    negative, _, positive = result.probabilities
    assert -1 <= result.score <= 1 and result.score == pytest.approx(positive - negative, abs=1e-3)


def test_empty_unknown_emoji_and_foreign_texts_are_not_applicable(analyzer):
    assert analyzer.analyze("", "und").reason == "empty"
    assert analyzer.analyze("1234 ... ---", "und").reason == "no-signal"
    assert analyzer.analyze("El servicio es terrible y muy lento", "es").reason == "unsupported-language:es"
    assert analyzer.analyze("🦒", "und").label is None


def test_known_emoji_only_post_gets_a_label(analyzer):
    assert analyzer.analyze("😍😍😍", "und").label == "positive"


def test_very_long_article_is_scored_in_windows(analyzer):
    article = "Le maire salue une excellente nouvelle et remercie les bénévoles formidables. " * 2000
    assert len(windows(article)) == 16
    assert analyzer.analyze(article, "fr").label == "positive"


def test_mention_records_label_score_and_model_with_version(analyzer):
    done = analyzer.process_batch([_mention("Quelle honte, encore des retards inacceptables", "fr"),
                                   _mention("", "und")])
    assert done[0].sentiment == "negative" and done[0].sentiment_score < 0
    assert done[0].sentiment_model == shipped_model().name and "+" in shipped_model().meta["version"]
    assert (done[1].sentiment, done[1].sentiment_model) == (None, shipped_model().name)


def test_shipped_model_loads_from_package_files_only(tmp_path):
    from vigie.enrich.sentiment_model import MODEL_DIR

    model = SentimentModel.load(MODEL_DIR)
    assert model.meta["name"] == "vigie-sentiment-lr" and set(model.heads) == {"fr", "en"}
    assert all(len(head.vocab) == head.weights.shape[0] for head in model.heads.values())
    assert (MODEL_DIR / "sentiment.npz").stat().st_size + (MODEL_DIR / "sentiment.json").stat().st_size < 50e6


def test_analyzers_are_registered_as_plugins():
    names = {cls.name for classes in get_plugin_manager().hook.register_analyzers() for cls in classes}
    assert {"language", "sentiment"} <= names


def test_transformers_backend_says_how_to_install_when_missing(monkeypatch):
    from vigie.settings import Settings

    monkeypatch.setitem(sys.modules, "transformers", None)
    monkeypatch.setitem(sys.modules, "torch", None)
    settings = Settings(overrides={"sentiment_backend": "transformers", "sentiment_model": "some/model"})
    with pytest.raises(NotConfigured, match=r"pip install 'vigie\[transformers\]'"):
        SentimentAnalyzer(settings)
