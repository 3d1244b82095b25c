"""The pages' remaining forms: settings, tokens, members, teams, watches, sources, rules, alerts, incidents."""

from __future__ import annotations

import re

import pytest
from webtools import PASSWORD, build_web, csrf, login, make_alert

from vigie.web import audit


@pytest.fixture
def web(tmp_path, settings):
    from vigie.store import Store

    store = Store(f"sqlite:///{tmp_path / 'web.db'}")
    yield build_web(store, settings)
    store.close()


def _post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf(client)})


def test_profile_password_and_workspace_settings(web):
    owner = web.client("owner")
    assert _post(owner, "/settings/profile", name="Dominique", language="en", timezone="America/Halifax").status_code == 303
    assert web.accounts.get_user(web.users["owner"]["id"])["timezone"] == "America/Halifax"
    assert _post(owner, "/settings/profile", name="x", timezone="Mars/Olympus").status_code == 400
    assert _post(owner, "/settings/workspace", name="Ville de Laval", language="fr", timezone="America/Toronto").status_code == 303
    assert web.store.get_workspace("ville")["name"] == "Ville de Laval"
    assert _post(owner, "/settings/password", current="wrong", new="a new password 1", confirm="a new password 1").status_code == 400
    assert _post(owner, "/settings/password", current=PASSWORD, new="a new password 1", confirm="a new password 1").status_code == 303
    assert owner.get("/").status_code == 303  # every session ended with the old password
    assert login(web.client(), "owner@example.org", "a new password 1").status_code == 303


def test_tokens_are_shown_once_and_revoked_from_the_page(web):
    editor = web.client("editor")
    made = editor.post("/settings/tokens", data={"name": "tableau", "scopes": ["read", "write"], "expires_days": "30",
                                                "csrf_token": csrf(editor)})
    raw = re.search(r'<code id="new-token">([^<]+)</code>', made.text).group(1)
    assert web.client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert raw not in editor.get("/settings/tokens").text
    token_id = web.accounts.list_tokens(web.ws["id"])[0]["id"]
    assert _post(editor, f"/settings/tokens/{token_id}/revoke").status_code == 303
    assert web.client().get("/api/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    viewer = web.client("viewer")
    denied = viewer.post("/settings/tokens", data={"name": "x", "scopes": ["write"], "csrf_token": csrf(viewer)})
    assert denied.status_code == 403


def test_members_roles_reset_disable_and_remove(web):
    admin, target = web.client("admin"), web.users["viewer"]["id"]
    assert _post(admin, f"/settings/users/{target}", action="role", role="editor").status_code == 303
    assert web.accounts.role(target, web.ws["id"]) == "editor"
    reset = _post(admin, f"/settings/users/{target}", action="reset")
    new = re.search(r'<code id="new-password">([^<]+)</code>', reset.text).group(1)
    assert login(web.client(), "viewer@example.org", new).status_code == 303
    assert _post(admin, f"/settings/users/{target}", action="disable").status_code == 303
    assert login(web.client(), "viewer@example.org", new).status_code == 401
    assert _post(admin, f"/settings/users/{target}", action="remove").status_code == 303
    assert web.accounts.role(target, web.ws["id"]) is None
    owner = web.users["owner"]["id"]
    assert _post(admin, f"/settings/users/{owner}", action="role", role="viewer").status_code == 403


def test_teams_members_shares_and_deletion(web):
    admin = web.client("admin")
    made = _post(admin, "/settings/teams", name="Agence Nord", kind="agency")
    team_id = int(made.headers["location"].split("/")[-1].split("?")[0])
    editor, brand = web.users["editor"]["id"], web.watches["brand"]["id"]
    admin.post(f"/settings/teams/{team_id}/members", data={"user_ids": [str(editor)], "csrf_token": csrf(admin)})
    admin.post(f"/settings/teams/{team_id}/shares", data={"watch": [str(brand)], "csrf_token": csrf(admin)})
    assert [w["id"] for w in web.client("editor").get("/api/watches").json()] == [brand]
    assert _post(admin, f"/settings/teams/{team_id}/delete").status_code == 303
    assert len(web.client("editor").get("/api/watches").json()) == 3  # back to the whole workspace


def test_workspace_switch_keeps_to_the_members_workspaces(web):
    other = web.store.create_workspace("client-b", "Client B", "en")
    web.accounts.set_membership(web.users["editor"]["id"], other["id"], "viewer")
    editor = web.client("editor")
    assert _post(editor, "/workspace", workspace_id=str(other["id"])).status_code == 303
    assert editor.get("/api/me").json()["workspace"] == "client-b"
    assert 'lang="en-CA"' in editor.get("/").text  # the workspace's language
    third = web.store.create_workspace("client-c", "Client C")
    assert _post(editor, "/workspace", workspace_id=str(third["id"])).status_code == 403


def test_edit_a_watch_and_untag_a_mention(web):
    editor, brand = web.client("editor"), web.watches["brand"]["id"]
    saved = _post(editor, f"/watches/{brand}", name="Marque SLDE", query='"Saint-Laurent"', kind="brand", active="1")
    assert saved.status_code == 303 and web.store.get_watch(brand)["name"] == "Marque SLDE"
    _post(editor, "/mentions/1/tags", tag="à suivre")
    assert _post(editor, "/mentions/1/tags/remove", tag="à suivre").status_code == 303
    assert "#à suivre" not in editor.get("/mentions/1").text


def test_admin_disables_a_source_and_manages_alert_rules(web):
    admin = web.client("admin")
    assert _post(admin, "/sources/1/enabled").status_code == 303
    assert web.store.get_source(1)["enabled"] is False
    assert _post(admin, "/alerts/rules", name="Pics", kind="spike", watch_id=str(web.watches["brand"]["id"]),
                 severity="critical").status_code == 303
    assert "Pics" in admin.get("/alerts/rules").text
    from vigie.signals.rules import list_rules

    rule = list_rules(web.store, web.ws["id"])[0]
    assert _post(admin, f"/alerts/rules/{rule.id}/enabled").status_code == 303
    assert list_rules(web.store, web.ws["id"])[0].enabled is False
    assert _post(web.client("editor"), "/alerts/rules", name="x", kind="spike").status_code == 403


def test_acknowledge_an_alert_from_its_page(web):
    alert_id = make_alert(web.store, web.ws, web.watches["brand"]["id"])
    editor = web.client("editor")
    assert _post(editor, f"/alerts/{alert_id}/acknowledge").status_code == 303
    assert "Prise en compte par editor@example.org" in editor.get(f"/alerts/{alert_id}").text


def test_incident_notes_roles_statements_and_approvals(web):
    from vigie.crisis.incidents import open_incident

    incident = open_incident(web.store, web.ws["id"], "Panne d'eau", scenario="outage")["id"]
    editor, owner = web.client("editor"), web.client("owner")
    path = f"/crisis/incidents/{incident}"
    assert _post(editor, f"{path}/notes", text="Point de presse à 14 h", kind="decision").status_code == 303
    assert _post(editor, f"{path}/roles", role="spokesperson", person="Camille Roy").status_code == 303
    page = editor.get(path).text
    assert "Point de presse à 14 h" in page and "Camille Roy" in page
    own = _post(editor, f"{path}/statements", format="social_post", language="fr",
                text="La distribution d'eau est interrompue dans le secteur nord. Suivi à 16 h.")
    assert own.status_code == 303
    from vigie.crisis.statements import incident_statements

    statement = incident_statements(web.store, incident)[0]["id"]
    assert _post(editor, f"{path}/statements/{statement}/approve").status_code == 403  # administrators approve
    assert _post(owner, f"{path}/statements/{statement}/approve").status_code == 303
    assert _post(editor, f"{path}/statements/{statement}/publish").status_code == 303
    assert "publiée" in editor.get(path).text
    assert _post(owner, f"{path}/status", status="assessing").status_code == 303
    assert _post(owner, "/crisis/playbooks/outage/approve", format="social_post", language="fr").status_code == 303
    assert "approuvée" in owner.get("/crisis/playbooks/outage").text
    assert _post(editor, "/crisis/playbooks/outage/approve", format="social_post", language="en").status_code == 403
    actions = [e["action"] for e in audit.entries(web.store.engine, web.ws["id"])]
    assert {"incident.note", "incident.role", "incident.status", "playbook.approve"} <= set(actions)
