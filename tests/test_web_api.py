"""Every REST API route, with a bearer token, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import webtools
from webtools import make_alert

web = webtools.web  # the fixture: the app over the `store` fixture, on SQLite and PostgreSQL


@pytest.fixture
def api(web):
    """A client whose requests carry the owner's token with every scope."""
    raw, _ = web.accounts.create_token(web.ws["id"], web.users["owner"]["id"], "tests", ["read", "write", "admin"])
    client = web.client()
    client.headers["Authorization"] = f"Bearer {raw}"
    return client


def test_openapi_describes_the_api_only(web, api):
    spec = web.client().get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {"/api/mentions", "/api/watches", "/api/incidents", "/api/tokens", "/api/audit"} <= paths
    assert not any(p.startswith(("/settings", "/login", "/crisis")) for p in paths)


def test_me_and_overview(api):
    me = api.get("/api/me").json()
    assert me["role"] == "owner" and me["token_scopes"] == ["admin", "read", "write"]
    overview = api.get("/api/overview?days=7").json()
    assert overview["total"] == 5 and sum(overview["volume"]) == 5 and len(overview["days"]) == 7
    assert {v["name"] for v in overview["share_of_voice"]} == {"Marque", "Rivale"}
    assert api.get("/api/overview?days=12").status_code == 400


def test_mentions_filter_search_and_pages(api):
    assert [m["title"] for m in api.get("/api/mentions?channel=online_press").json()["mentions"]] == [
        "Piscine à Val-Sorbier", "Eau potable"]
    assert [m["id"] for m in api.get("/api/mentions?q=ebullition").json()["mentions"]] == [3]
    first = api.get("/api/mentions?limit=2").json()
    second = api.get(f"/api/mentions?limit=2&cursor={first['next_cursor']}").json()
    assert len({m["id"] for m in first["mentions"] + second["mentions"]}) == 4
    assert api.get("/api/mentions/4").json()["language"] == "en"
    assert api.get("/api/mentions/999").status_code == 404


def test_triage_through_the_api(web, api):
    assert api.post("/api/mentions/1/tags", json={"tag": "suivi"}).json() == {"changed": 1}
    assert api.get("/api/tags").json() == ["suivi"]
    assert api.delete("/api/mentions/1/tags/suivi").json() == {"changed": 1}
    editor = web.users["editor"]["id"]
    api.put("/api/mentions/1/assignment", json={"user_id": editor, "status": "open"})
    assert api.get("/api/mentions/1").json()["assignee"] == editor
    assert api.put("/api/mentions/1/sentiment", json={"sentiment": "negative"}).json() == {"changed": 1}
    assert api.get("/api/mentions/1").json()["sentiment"] == "negative"
    assert api.post("/api/mentions/bulk", json={"ids": [1, 2], "action": "done"}).json() == {"changed": 1}
    assert api.put("/api/mentions/1/sentiment", json={"sentiment": "furious"}).status_code == 422


def test_watches_and_preview(api):
    made = api.post("/api/watches", json={"name": "Parcs", "query": "parc OR piscine", "kind": "topic"})
    assert made.status_code == 201 and made.json()["kind"] == "topic"
    assert api.post("/api/watches", json={"name": "Bad", "query": "a AND ("}).status_code == 400
    assert len(api.get("/api/watches").json()) == 4
    assert api.get(f"/api/watches/{made.json()['id']}").json()["name"] == "Parcs"
    preview = api.post("/api/watches/preview", json={"query": "piscine"}).json()
    assert preview["matched"] == 1 and preview["hits"][0]["title"] == "Piscine à Val-Sorbier"


def test_sources(api):
    rows = api.get("/api/sources").json()
    assert rows[0]["name"] == "fil" and rows[0]["items_new"] == 5 and "config" not in rows[0]
    assert api.get(f"/api/sources/{rows[0]['id']}").json()["health"] in ("ok", "new")


def test_members_teams_and_shares(web, api):
    added = api.post("/api/members", json={"email": "presse@example.org", "role": "viewer"}).json()
    assert added["password"] and added["member"]["role"] == "viewer"
    user_id = added["member"]["id"]
    assert api.put(f"/api/members/{user_id}/role", json={"role": "editor"}).json()["role"] == "editor"
    team = api.post("/api/teams", json={"name": "Relations de presse", "kind": "agency"}).json()
    assert api.put(f"/api/teams/{team['id']}/members", json={"ids": [user_id]}).json()["members"] == 1
    water = web.watches["water"]["id"]
    assert api.put(f"/api/teams/{team['id']}/shares/watch", json={"ids": [water]}).json()["shares"] == 1
    assert api.put(f"/api/teams/{team['id']}/shares/watch", json={"ids": [9999]}).status_code == 404
    assert len(api.get("/api/members").json()) == 6 and len(api.get("/api/teams").json()) == 2
    # an admin cannot be put in an agency: it would see everything anyway
    admin = web.users["admin"]["id"]
    assert api.put(f"/api/teams/{team['id']}/members", json={"ids": [admin]}).status_code == 400


def test_tokens_need_a_browser_session_to_be_made(web, api):
    assert api.post("/api/tokens", json={"name": "x", "scopes": ["read"]}).status_code == 403
    from webtools import csrf

    browser = web.client("editor")
    made = browser.post("/api/tokens", json={"name": "script", "scopes": ["read"]},
                        headers={"X-CSRF-Token": csrf(browser)})
    assert made.status_code == 201 and made.json()["token"].startswith("vigie_")
    token_id = made.json()["details"]["id"]
    assert [t["name"] for t in browser.get("/api/tokens").json()] == ["script"]
    assert browser.delete(f"/api/tokens/{token_id}", headers={"X-CSRF-Token": csrf(browser)}).status_code == 204
    assert api.get("/api/audit?action=token.revoke").json()[0]["object_id"] == str(token_id)


def test_alerts_and_rules(web, api):
    alert_id = make_alert(web.store, web.ws, web.watches["brand"]["id"])
    assert [a["id"] for a in api.get("/api/alerts").json()] == [alert_id]
    assert api.get(f"/api/alerts/{alert_id}").json()["explanation_lines"]
    assert api.post(f"/api/alerts/{alert_id}/acknowledge").json()["status"] == "acknowledged"
    assert api.get("/api/alerts?status=open").json() == []
    assert api.get("/api/alerts/rules").json() == []


def test_incidents_playbooks_and_readiness(web, api):
    alert_id = make_alert(web.store, web.ws, web.watches["water"]["id"], "Eau contaminée")
    opened = api.post("/api/incidents", json={"alert_id": alert_id, "scenario": "outage", "severity": "high"})
    assert opened.status_code == 201
    incident = opened.json()
    assert incident["title"] == "Eau contaminée" and incident["alert_ids"] == [alert_id] and incident["steps"]
    assert api.post(f"/api/incidents/{incident['id']}/steps/1").json() == {"ok": True}
    assert api.post(f"/api/incidents/{incident['id']}/notes", json={"text": "Point de presse à 14 h"}).status_code == 201
    moved = api.post(f"/api/incidents/{incident['id']}/status", json={"status": "assessing"}).json()
    assert moved["status"] == "assessing" and any(e["kind"] == "note" for e in moved["timeline"])
    assert [i["id"] for i in api.get("/api/incidents?status=open").json()] == [incident["id"]]
    assert any(p["id"] == "outage" for p in api.get("/api/playbooks").json())
    assert api.get("/api/playbooks/outage").json()["steps"]
    assert api.get("/api/playbooks/nope").status_code == 404
    assert 0 <= api.get("/api/readiness").json()["score"] <= 100
