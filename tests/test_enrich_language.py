from vigie.enrich.language import UND, LanguageAnalyzer, detect
from vigie.items import Mention


def _mention(text, language=None):
    return Mention(source="manual", channel="social", external_id="1", text=text, language=language)


def test_language_of_french_and_english_posts():
    assert detect("La ville annonce la fermeture du pont pour trois semaines de travaux").language == "fr"
    assert detect("The city announced the bridge will close for three weeks of repairs").language == "en"


def test_short_emoji_only_and_empty_texts_are_und():
    for text in ("ok", "merci !", "😍😍😍", "", "   ", "@user http #1234"):
        assert detect(text).language == UND


def test_handles_links_and_hashtag_signs_do_not_sway_the_guess():
    text = "@HydroQuebec https://t.co/abc Encore une panne dans mon quartier ce matin #panne #hydro"
    assert detect(text).language == "fr"


def test_long_mixed_article_names_main_language_and_the_other():
    article = "Le conseil municipal a adopté le budget après un long débat. " * 60 + \
              "The council adopted the budget after a long debate on taxes. " * 30
    guess = detect(article)
    assert (guess.language, guess.mixed) == ("fr", ("en",))


def test_analyzer_records_model_and_keeps_platform_tag_when_text_is_too_short():
    analyzer = LanguageAnalyzer()
    done = analyzer.process(_mention("Quelle belle journée au festival d'été de Québec, bravo aux bénévoles"))
    assert done.language == "fr" and done.language_model.startswith("py3langid")
    kept = analyzer.process(_mention("lol", language="en"))
    assert (kept.language, kept.language_model) == ("en", None)
    unknown = analyzer.process(_mention("lol"))
    assert unknown.language == UND
