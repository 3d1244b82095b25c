"""Every page of the web app, in-process: content, filters, triage, languages, the navigation registry."""

from __future__ import annotations

import re

import pytest
from webtools import build_web, csrf, ingest, make_alert, mention

from vigie.web.nav import NavItem


@pytest.fixture
def web(tmp_path, settings):
    """Page rendering does not depend on the database: SQLite only (the access and API tests run on both)."""
    from vigie.store import Store

    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    yield build_web(store, settings)
    store.close()


PAGES = ["/", "/?days=7", "/?days=365", "/mentions", "/search", "/search?q=parc", "/search/rankings", "/mentions/1",
         "/watches", "/watches/new", "/sources", "/sources/1", "/alerts", "/alerts/rules", "/crisis/incidents",
         "/crisis/playbooks", "/crisis/playbooks/outage", "/crisis/readiness", "/crisis/drills", "/settings",
         "/settings/users", "/settings/teams", "/settings/tokens", "/settings/audit", "/api"]


def test_every_page_renders_for_the_owner(web):
    client = web.client("owner")
    for path in [*PAGES, f"/watches/{web.watches['brand']['id']}", f"/settings/teams/{web.team_id}"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<a class="skip" href="#main">' in response.text and 'id="main"' in response.text, path


def test_overview_draws_volume_sentiment_voice_and_channels_from_the_data(web):
    page = web.client("owner").get("/?days=7").text
    assert page.count('<svg class="chart') == 4
    assert "Rivale" in page and "Marque" in page  # share of voice: brand against competitor
    # Five mentions in the last seven days, written out in the data table as well as drawn.
    assert re.search(r"Mentions sur 7 jours</div><div class=\"figure\">5<", page)
    assert "Presse en ligne" in page and "Réseaux sociaux" in page


def test_overview_counts_a_negative_first_page_of_search_results(web):
    from vigie.items import SearchResult, SearchSnapshot

    ingest(web.store, web.ws, [mention(9, "Scandale à Saint-Laurent", url="https://news.example/scandale")])
    with web.store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE mentions SET sentiment = 'negative' WHERE external_id = 'm9'")
    source = web.store.ensure_source(web.ws["id"], "moteur", "searxng")
    with web.store.engine.begin() as conn:
        web.store.add_snapshot(conn, web.ws["id"], source["id"], SearchSnapshot("searxng", "Saint-Laurent", [
            SearchResult(1, "https://news.example/scandale", "Scandale"), SearchResult(2, "https://ville.example/")]))
    page = web.client("owner").get("/").text
    assert "1 négatifs sur 2" in page


def test_mention_filters_narrow_the_stream(web):
    client = web.client("viewer")
    press = client.get("/mentions?channel=online_press").text
    assert "Piscine à Val-Sorbier" in press and "Parc à Saint-Laurent" not in press
    english = client.get("/mentions?language=en").text
    assert "Water main break" in english and "Eau potable" not in english
    watch = client.get(f"/mentions?watch={web.watches['water']['id']}").text
    assert "Eau potable" in watch and "Piscine" not in watch
    assert client.get("/mentions?since=not-a-date").status_code == 400


def test_htmx_filter_requests_get_only_the_list(web):
    response = web.client("viewer").get("/mentions?q=piscine", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in response.text and "Piscine à Val-Sorbier" in response.text


def test_full_text_search_ignores_accents_and_case(web):
    page = web.client("viewer").get("/search?q=EBULLITION").text
    assert "Eau potable" in page and "Piscine" not in page


def test_keyset_pages_continue_where_the_last_one_stopped(web):
    ingest(web.store, web.ws, [mention(100 + i, f"Saint-Laurent nouvelle {i}", days_ago=0.1) for i in range(60)])
    client = web.client("viewer")
    first = client.get("/mentions").text
    link = re.search(r'href="(/mentions\?[^"]*cursor=[^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(link).text
    ids = lambda html: set(re.findall(r'id="mention-(\d+)"', html))  # noqa: E731
    assert len(ids(first)) == 50 and ids(first).isdisjoint(ids(second)) and len(ids(first) | ids(second)) == 65


def test_editor_corrects_tags_and_assigns_a_mention(web):
    client = web.client("editor")
    token = csrf(client)
    row = client.post("/mentions/3/sentiment", data={"sentiment": "negative", "csrf_token": token},
                      headers={"HX-Request": "true"})
    assert row.status_code == 200 and row.text.lstrip().startswith('<li id="mention-3"') and "négative" in row.text
    client.post("/mentions/3/tags", data={"tag": "eau", "csrf_token": token})
    client.post("/mentions/3/assign", data={"user_id": str(web.users["viewer"]["id"]), "csrf_token": token})
    detail = client.get("/mentions/3").text
    assert "#eau" in detail and "Attribuée à Viewer" in detail and "editor@example.org" in detail  # correction log
    assert "Eau potable" in client.get("/mentions?tag=eau").text
    assert "Eau potable" in web.client("viewer").get("/mentions?assignee=me").text


def test_bulk_actions_apply_to_every_selected_mention(web):
    client = web.client("editor")
    token = csrf(client)
    done = client.post("/mentions/bulk", data={"ids": ["1", "2"], "action": "tag", "value": "revue", "csrf_token": token})
    assert done.status_code == 303
    client.post("/mentions/bulk", data={"ids": ["1", "2"], "action": "sentiment", "value": "positive", "csrf_token": token})
    page = client.get("/mentions?tag=revue&sentiment=positive").text
    assert "Parc à Saint-Laurent" in page and "Piscine à Val-Sorbier" in page and "Eau potable" not in page


def test_watch_preview_shows_recent_matches_and_query_errors(web):
    client = web.client("editor")
    token = csrf(client)
    found = client.post("/watches/preview", data={"query": "piscine OR parc", "csrf_token": token},
                        headers={"HX-Request": "true"})
    assert "2 mentions trouvées" in found.text and "Piscine à Val-Sorbier" in found.text
    broken = client.post("/watches/preview", data={"query": '"non fermée', "csrf_token": token},
                         headers={"HX-Request": "true"})
    assert 'role="alert"' in broken.text


def test_editor_adds_a_watch_and_bad_queries_are_explained(web):
    client = web.client("editor")
    token = csrf(client)
    bad = client.post("/watches", data={"name": "X", "query": "a AND (", "kind": "topic", "csrf_token": token})
    assert bad.status_code == 400 and "Requête invalide" in bad.text
    made = client.post("/watches", data={"name": "Neige", "query": "neige OR déneigement", "kind": "topic",
                                         "languages": "fr", "csrf_token": token})
    assert made.status_code == 303
    assert "Neige" in client.get("/watches").text


def test_sources_show_health(web):
    web.store.set_source_status(1, "error", "HTTP 503", error=True)
    page = web.client("admin").get("/sources").text
    assert "en erreur" in page and "HTTP 503" in page


def test_interface_speaks_english_when_the_user_prefers_it(web):
    client = web.client("viewer")
    client.post("/language", data={"language": "en", "csrf_token": csrf(client)})
    page = client.get("/").text
    assert 'lang="en-CA"' in page and "Overview" in page and "Share of voice" in page
    assert 'lang="fr-CA"' in web.client("owner").get("/").text  # others keep French


def test_dates_follow_the_users_time_zone(web):
    web.accounts.update_user(web.users["viewer"]["id"], timezone="Europe/Paris")
    toronto = web.client("owner").get("/mentions/1").text
    paris = web.client("viewer").get("/mentions/1").text
    stamp = lambda html: re.search(r'<time datetime="([^"]+)"', html).group(1)  # noqa: E731
    assert stamp(toronto)[-6:] in ("-05:00", "-04:00") and stamp(paris)[-6:] in ("+01:00", "+02:00")


def test_alert_page_opens_an_incident_with_a_playbook(web):
    alert_id = make_alert(web.store, web.ws, web.watches["water"]["id"], "Pic : eau potable")
    client = web.client("editor")
    page = client.get(f"/alerts/{alert_id}").text
    assert "Pic : eau potable" in page and "Ouvrir un incident" in page
    opened = client.post("/crisis/incidents", data={"alert_id": str(alert_id), "title": "", "scenario": "outage",
                                                    "severity": "high", "csrf_token": csrf(client)})
    assert opened.status_code == 303
    incident = client.get(opened.headers["location"]).text
    assert "Pic : eau potable" in incident and "Liste de contrôle" in incident
    assert incident.count('/steps/') >= 3  # the outage playbook's checklist, with a button per step


def test_navigation_is_a_registry_with_places_for_later_features(web):
    page = web.client("owner").get("/").text
    assert 'aria-disabled="true">Campagnes' in page and 'href="/campaigns"' not in page
    web.app.state.web.nav.add(NavItem("campaigns", "nav.campaigns", "/campaigns", "engage"))
    assert 'href="/campaigns">Campagnes' in web.client("owner").get("/").text


def test_unknown_pages_get_a_translated_404(web):
    response = web.client("viewer").get("/nowhere")
    assert response.status_code == 404 and "Introuvable" in response.text
