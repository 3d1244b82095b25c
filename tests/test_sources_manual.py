"""The `manual` connector: one mention typed in by hand."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from vigie.exceptions import NotConfigured
from vigie.sources.manual import ManualSource


def test_manual_source_yields_the_given_mention_once(ctx):
    config = {"url": "https://ici.radio-canada.ca/nouvelle/123", "title": "Entrevue du PDG",
              "text": "Le PDG d'Hydro-Québec défend la hausse.", "outlet": "ICI Première",
              "channel": "radio", "published_at": "2024-03-12 07:30", "likes": "12", "outlet_audience": "1 200 000"}
    source = ManualSource(config, ctx)
    cursor: dict = {}
    (mention,) = source.fetch(cursor)
    assert mention.channel == "broadcast" and mention.outlet == "ICI Première"
    assert mention.external_id == hashlib.sha256(f"{config['url']}\n{config['text']}".encode()).hexdigest()
    assert mention.published_at == datetime(2024, 3, 12, 11, 30, tzinfo=UTC)
    assert mention.engagement == {"likes": 12} and mention.outlet_audience == 1_200_000
    assert mention.raw["title"] == "Entrevue du PDG"
    assert list(source.fetch(cursor)) == []


def test_manual_source_keeps_a_given_external_id(ctx):
    (mention,) = ManualSource({"title": "Lettre ouverte", "external_id": "courrier-42"}, ctx).fetch({})
    assert mention.external_id == "courrier-42" and mention.text == ""


@pytest.mark.parametrize(("config", "message"), [
    ({"outlet": "Le Devoir"}, "text, a title or a url"),
    ({"title": "x", "likes": "beaucoup"}, "likes must be a number"),
    ({"title": "x", "channel": "pigeon"}, "unknown channel"),
    ({"title": "x", "published_at": "un jour"}, "published_at"),
    ({"title": "x", "headline": "y"}, "unknown option"),
])
def test_manual_source_refuses_bad_input(ctx, config, message):
    with pytest.raises(NotConfigured, match=message):
        ManualSource(config, ctx)
