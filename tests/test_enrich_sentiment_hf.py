import os

import pytest

from vigie.enrich.sentiment import SentimentAnalyzer
from vigie.enrich.sentiment_hf import label_map
from vigie.settings import Settings


def test_label_map_reads_names_stars_and_label_numbers():
    assert label_map({0: "NEGATIVE", 1: "POSITIVE"}).argmax(axis=1).tolist() == [0, 2]
    assert label_map({i: f"{i + 1} stars" for i in range(5)}).argmax(axis=1).tolist() == [0, 0, 1, 2, 2]
    assert label_map({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}).argmax(axis=1).tolist() == [0, 1, 2]


@pytest.fixture
def tiny_model(tmp_path):
    """A randomly initialised 1-layer BERT with its own word-piece vocabulary, saved on disk."""
    try:
        import torch  # noqa: F401
        import transformers
    except ImportError:
        if os.environ.get("CI") == "true":  # .ci/run installs the extra: nothing may be skipped there
            pytest.fail("the [transformers] extra is not installed")
        pytest.skip("transformers not installed (extra [transformers])")
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "la", "ville", "est", "belle", "the", "city", "!"]
    (tmp_path / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(vocab_file=str(tmp_path / "vocab.txt"))
    config = transformers.BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1,
                                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=512,
                                     num_labels=3, id2label={0: "negative", 1: "neutral", 2: "positive"},
                                     label2id={"negative": 0, "neutral": 1, "positive": 2})
    model_dir = tmp_path / "tiny-sentiment"
    transformers.BertForSequenceClassification(config).save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    return model_dir


def test_transformers_backend_scores_mentions_with_a_local_model(tiny_model):
    settings = Settings(overrides={"sentiment_backend": "transformers", "sentiment_model": str(tiny_model)})
    analyzer = SentimentAnalyzer(settings)
    results = analyzer.analyze_batch([("la ville est belle !", "fr"), ("the city " * 400, "en"), ("", "und")])
    assert [r.label in ("negative", "neutral", "positive") for r in results[:2]] == [True, True]
    assert results[0].model == "hf:tiny-sentiment" and results[2].reason == "empty"
    assert abs(sum(results[1].probabilities) - 1) < 1e-3
