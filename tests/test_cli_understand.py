import json

import pytest
from click.testing import CliRunner

from vigie.cli import cli

FRENCH = [("Bravo pour ce magnifique festival, merci à tous !", 2), ("Le conseil se réunit mardi à 19 h.", 1),
          ("Encore une panne, c'est honteux et inacceptable", 0), ("", 1)]
ENGLISH = [("Thank you, this is wonderful news, I love it!", 2), ("The meeting is on Tuesday at 7 pm.", 1),
           ("Worst service ever, awful and disgusting", 0)]


def _write(folder, language, split, rows):
    (folder / language).mkdir(parents=True, exist_ok=True)
    # UMSAB files have no trailing newline: an empty last line is still a line.
    (folder / language / f"{split}_text.txt").write_text("\n".join(t for t, _ in rows), encoding="utf-8")
    (folder / language / f"{split}_labels.txt").write_text("\n".join(str(y) for _, y in rows), encoding="utf-8")


@pytest.fixture
def umsab(tmp_path):
    _write(tmp_path / "umsab", "french", "val", FRENCH)
    _write(tmp_path / "umsab", "english", "val", ENGLISH)
    return tmp_path / "umsab"


def _run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_eval_sentiment_labels_every_line_and_reports_macro_f1(umsab):
    out = _run("eval", "sentiment", "--data", str(umsab), "--split", "val")
    assert (out["french"]["n"], out["english"]["n"], out["french"]["not_applicable"]) == (4, 3, 1)
    assert 0 <= out["french"]["macro_f1"] <= 100 and 0 <= out["english"]["macro_f1"] <= 100
    assert out["model"].startswith("vigie-sentiment-lr ")


def test_eval_language_counts_und_as_wrong(umsab):
    out = _run("eval", "language", "--data", str(umsab), "--split", "val")
    assert out["n"] == 7 and out["und"] >= 1  # the empty French line cannot be identified
    assert out["accuracy"] == pytest.approx(100 * (7 - out["und"]) / 7, abs=0.01)


def test_eval_allocine_drops_test_texts_seen_in_train(tmp_path):
    (tmp_path / "train.tsv").write_text("1\tune série géniale , bravo\n", encoding="utf-8")
    (tmp_path / "test.tsv").write_text("1\tune série géniale , bravo\n1\tj'adore , excellente série , "
                                       "magnifique\n0\tnul , ennuyeux , une horreur\n", encoding="utf-8")
    out = _run("eval", "allocine", "--data", str(tmp_path))
    assert (out["n"], out["dropped_in_train"], out["accuracy"]) == (2, 1, 100.0)


def test_eval_sentiment_says_when_split_is_missing(tmp_path):
    result = CliRunner().invoke(cli, ["eval", "sentiment", "--data", str(tmp_path), "--split", "test"])
    assert result.exit_code != 0 and "test" in result.output


def _tiny_training_data(tmp_path):
    rows = {0: ["nul et honteux", "quelle honte, service nul", "terrible, je déteste"],
            1: ["réunion mardi soir", "le conseil se réunit", "ouverture du parc mardi"],
            2: ["bravo, super nouvelle", "merci, génial", "super spectacle, bravo"]}
    english = {0: ["awful and terrible", "I hate this, awful", "worst day, terrible"],
               1: ["meeting on tuesday", "the council meets", "park opens tuesday"],
               2: ["great news, thanks", "love it, great", "thanks, wonderful show"]}
    for language, table in (("french", rows), ("english", english)):
        pairs = [(t, y) for y, texts in table.items() for t in texts]
        _write(tmp_path / "umsab", language, "train", pairs * 2)
        _write(tmp_path / "umsab", language, "val", pairs)
    extra = tmp_path / "extra"
    extra.mkdir()
    pairs = [(t, y) for y, texts in english.items() for t in texts]
    (extra / "train_text.txt").write_text("\n".join(t + " indeed" for t, _ in pairs), encoding="utf-8")
    (extra / "train_labels.txt").write_text("\n".join(str(y) for _, y in pairs), encoding="utf-8")
    return tmp_path / "umsab", extra


def test_train_sentiment_learns_corrections_and_the_analyzer_prefers_the_new_model(tmp_path, _vigie_home):
    pytest.importorskip("sklearn", reason="scikit-learn not installed (extra [train])")
    from vigie.enrich.corrections import record_correction
    from vigie.enrich.sentiment import SentimentAnalyzer
    from vigie.enrich.sentiment_model import shipped_model
    from vigie.items import Mention
    from vigie.settings import Settings
    from vigie.store import Store

    store = Store(Settings().database_url)
    ws = store.create_workspace("ville", "Ville")
    source = store.add_source(ws["id"], "manuel", "manual", {})
    from vigie.ingest import Ingestor

    Ingestor(store, ws, source, Settings()).run([Mention("manual", "social", "1", text="Le pont ferme encore")])
    record_correction(store, ws["id"], store.list_mentions(ws["id"])[0]["id"], "negative", "agathe")
    store.close()
    umsab, extra = _tiny_training_data(tmp_path)
    out = _run("train", "sentiment", "--data-umsab", str(umsab), "--data-extra", str(extra))
    assert out["corrections"] == 1 and set(out["val"]) == {"french", "english"}
    assert (_vigie_home / "models" / "sentiment.npz").exists()
    analyzer = SentimentAnalyzer(Settings())
    assert analyzer.model == out["model"] != shipped_model().name
    assert analyzer.analyze("super spectacle, merci", "fr").label == "positive"


def test_eval_sentiment_accepts_files_saved_with_a_final_newline(tmp_path):
    for language in ("french", "english"):
        (tmp_path / language).mkdir()
        (tmp_path / language / "test_text.txt").write_text("Bravo, merci !\nQuelle honte\n", encoding="utf-8")
        (tmp_path / language / "test_labels.txt").write_text("2\n0\n", encoding="utf-8")
    out = _run("eval", "sentiment", "--data", str(tmp_path))
    assert out["french"]["n"] == out["english"]["n"] == 2
