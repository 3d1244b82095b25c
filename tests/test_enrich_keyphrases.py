from vigie.enrich.keyphrases import KeyphrasesAnalyzer, extract
from vigie.items import Mention


def test_french_keyphrases_skip_stop_words_links_and_handles():
    phrases = extract("Panne majeure d'Hydro-Québec à Laval : des milliers de clients sans électricité "
                      "depuis hier soir @HydroQuebec https://t.co/abc 2026")
    assert phrases[0] == "panne majeure"
    assert "hydro-québec" in phrases and len(phrases) == 5
    assert not any(w in p.split() for p in phrases for w in ("de", "à", "des", "hier", "https", "2026"))


def test_english_keyphrases_rank_longer_content_runs_first():
    phrases = extract("Huge power outage in Laval tonight; thousands of customers without electricity.")
    assert phrases[:2] == ["huge power outage", "customers without electricity"]


def test_a_text_without_content_words_has_no_keyphrases():
    mention = KeyphrasesAnalyzer().process(Mention("test", "social", "1", text="et de la pour les 123 !!"))
    assert mention.keyphrases is None
