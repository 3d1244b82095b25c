"""Access control of the web app: sign-in, throttling, CSRF, roles, agency scope, tokens, audit."""

from __future__ import annotations

import webtools
from webtools import PASSWORD, csrf, login, make_alert

from vigie.web import audit

web = webtools.web  # the fixture: the app over the `store` fixture, on SQLite and PostgreSQL


def test_pages_redirect_to_login_and_api_answers_401(web):
    client = web.client()
    page = client.get("/mentions?channel=social")
    assert page.status_code == 303 and page.headers["location"] == "/login?next=/mentions%3Fchannel%3Dsocial"
    assert client.get("/api/mentions").status_code == 401


def test_wrong_password_is_refused_then_throttled(web):
    client = web.client()
    for _ in range(5):
        assert login(client, "viewer@example.org", "not the password").status_code == 401
    refused = login(client, "viewer@example.org", PASSWORD)  # right password, but too late
    assert refused.status_code == 429 and "vigie_session" not in client.cookies
    assert login(web.client(), "editor@example.org", PASSWORD).status_code == 303  # other accounts unaffected


def test_login_form_requires_its_csrf_cookie(web):
    client = web.client()
    client.get("/login")
    forged = client.post("/login", data={"email": "owner@example.org", "password": PASSWORD, "csrf_token": "x"})
    assert forged.status_code == 403 and "vigie_session" not in client.cookies


def test_changes_without_the_csrf_token_are_refused(web):
    client = web.client("editor")
    assert client.post("/mentions/1/tags", data={"tag": "urgent"}).status_code == 403
    ok = client.post("/mentions/1/tags", data={"tag": "urgent", "csrf_token": csrf(client)})
    assert ok.status_code == 303
    assert client.post("/api/mentions/1/tags", json={"tag": "x"}).status_code == 403  # cookie auth needs the header
    token = csrf(client)
    assert client.post("/api/mentions/1/tags", json={"tag": "x"}, headers={"X-CSRF-Token": token}).status_code == 200


def test_viewer_reads_but_cannot_change(web):
    client = web.client("viewer")
    assert client.get("/mentions").status_code == 200
    assert client.post("/mentions/1/sentiment", data={"sentiment": "negative", "csrf_token": csrf(client)}).status_code == 403
    assert client.get("/settings/users").status_code == 403
    assert "/settings/users" not in client.get("/").text  # not offered in the navigation either


def test_only_admins_manage_members_and_only_owners_make_owners(web):
    admin = web.client("admin")
    token = csrf(admin)
    assert web.client("editor").get("/settings/audit").status_code == 403
    made = admin.post("/settings/users", data={"email": "new@example.org", "role": "owner", "csrf_token": token})
    assert made.status_code == 403
    added = admin.post("/settings/users", data={"email": "new@example.org", "role": "editor", "csrf_token": token})
    assert added.status_code == 200 and 'id="new-password"' in added.text
    assert web.accounts.role(web.accounts.find_user("new@example.org")["id"], web.ws["id"]) == "editor"


def test_agency_member_sees_only_what_is_shared_in_pages(web):
    client = web.client("agency")
    rival, brand = web.watches["rival"]["id"], web.watches["brand"]["id"]
    assert client.get(f"/watches/{rival}").status_code == 200
    assert client.get(f"/watches/{brand}").status_code == 404
    assert client.get(f"/mentions?watch={brand}").status_code == 404
    listed = client.get("/mentions").text
    assert "Piscine à Val-Sorbier" in listed and "Parc à Saint-Laurent" not in listed
    assert client.get("/mentions/1").status_code == 404  # matches only the brand watch
    assert client.get("/sources").status_code == 403
    watches = client.get("/watches").text
    assert "Rivale" in watches and "Marque" not in watches
    overview = client.get("/?days=7").text  # counts summed over the shared watch only
    assert 'Mentions sur 7 jours</div><div class="figure">1<' in overview and "Parc à Saint-Laurent" not in overview


def test_agency_member_is_refused_the_same_things_in_the_api(web):
    client = web.client("agency")
    rival, brand = web.watches["rival"]["id"], web.watches["brand"]["id"]
    assert [w["id"] for w in client.get("/api/watches").json()] == [rival]
    assert client.get(f"/api/watches/{brand}").status_code == 404
    assert {m["id"] for m in client.get("/api/mentions").json()["mentions"]} == {2}
    assert client.get("/api/mentions/1").status_code == 404
    assert client.get("/api/sources").status_code == 403
    assert client.get("/api/me").json()["restricted"] is True


def test_agency_sees_shared_incidents_and_alerts_only(web):
    from vigie.crisis.incidents import open_incident
    from vigie.web.directory import set_team_shares

    ours = open_incident(web.store, web.ws["id"], "Fuite d'eau")["id"]
    theirs = open_incident(web.store, web.ws["id"], "Grève des cols bleus")["id"]
    set_team_shares(web.store, web.ws["id"], web.team_id, "incident", {theirs}, {ours, theirs}, None)
    hidden_alert = make_alert(web.store, web.ws, web.watches["brand"]["id"], "Alerte marque")
    shown_alert = make_alert(web.store, web.ws, web.watches["rival"]["id"], "Alerte rivale")
    client = web.client("agency")
    assert client.get(f"/crisis/incidents/{ours}").status_code == 404
    assert client.get(f"/crisis/incidents/{theirs}").status_code == 200
    assert client.get(f"/api/incidents/{ours}").status_code == 404
    assert [i["id"] for i in client.get("/api/incidents").json()] == [theirs]
    assert client.get(f"/alerts/{hidden_alert}").status_code == 404
    assert [a["id"] for a in client.get("/api/alerts").json()] == [shown_alert]
    assert client.get("/crisis/readiness").status_code == 403


def test_api_tokens_are_limited_to_their_scopes_and_die_when_revoked(web):
    raw, row = web.accounts.create_token(web.ws["id"], web.users["editor"]["id"], "lecture", ["read"])
    client = web.client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/mentions", headers=headers).status_code == 200
    assert client.post("/api/mentions/1/tags", json={"tag": "x"}, headers=headers).status_code == 403
    writer, _ = web.accounts.create_token(web.ws["id"], web.users["editor"]["id"], "écriture", ["read", "write"])
    assert client.post("/api/mentions/1/tags", json={"tag": "x"},
                       headers={"Authorization": f"Bearer {writer}"}).status_code == 200
    assert client.post("/api/tokens", json={"name": "more", "scopes": ["read"]}, headers=headers).status_code == 403
    web.accounts.revoke_token(row["id"])
    assert client.get("/api/mentions", headers=headers).status_code == 401


def test_a_token_never_exceeds_its_owners_role(web):
    raw, _ = web.accounts.create_token(web.ws["id"], web.users["viewer"]["id"], "trop", ["read", "write"])
    response = web.client().post("/api/mentions/1/tags", json={"tag": "x"}, headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 403


def test_audit_log_records_who_changed_what(web):
    client = web.client("editor")
    client.post("/mentions/3/sentiment", data={"sentiment": "negative", "csrf_token": csrf(client)})
    entries = audit.entries(web.store.engine, web.ws["id"])
    assert entries[0]["action"] == "mention.sentiment" and entries[0]["actor"] == "editor@example.org"
    assert entries[0]["object_id"] == "3" and entries[0]["detail"] == {"sentiment": "negative"}
    assert "mention.sentiment" in web.client("admin").get("/settings/audit").text


def test_logout_ends_the_session(web):
    client = web.client("viewer")
    assert client.post("/logout", data={"csrf_token": csrf(client)}).status_code == 303
    assert client.get("/").status_code == 303


def test_security_headers_forbid_inline_script(web):
    response = web.client().get("/login")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"


def test_admin_cannot_reset_or_disable_an_account_that_belongs_to_another_workspace(web):
    other = web.store.create_workspace("autre", "Autre organisation", "fr")
    viewer = web.users["viewer"]["id"]
    web.accounts.set_membership(viewer, other["id"], "owner")  # owner elsewhere, viewer here
    admin = web.client("admin")
    for action in ("reset", "disable"):
        answer = admin.post(f"/settings/users/{viewer}", data={"action": action, "csrf_token": csrf(admin)})
        assert answer.status_code == 403
    assert web.accounts.get_user(viewer)["active"] is True
    assert web.accounts.authenticate("viewer@example.org", PASSWORD, None)["id"] == viewer  # unchanged


def test_a_read_only_token_cannot_revoke_tokens(web):
    raw, row = web.accounts.create_token(web.ws["id"], web.users["editor"]["id"], "lecture", ["read"])
    answer = web.client().delete(f"/api/tokens/{row['id']}", headers={"Authorization": f"Bearer {raw}"})
    assert answer.status_code == 403
