import pytest
import yaml

from vigie.crisis import SCENARIOS
from vigie.crisis import playbooks as pb
from vigie.crisis import statements as st
from vigie.exceptions import BadRequest


def test_every_scenario_ships_a_bilingual_playbook_whose_statements_pass_their_checks():
    docs = {slug: pb.parse_document(path.read_text(encoding="utf-8")) for slug, path in pb.shipped().items()}
    assert sorted(docs) == sorted(SCENARIOS)
    for doc in docs.values():
        assert set(doc["statements"]) == set(st.FORMATS)
        assert all(s["fr"] != s["en"] for s in doc["steps"])
        assert len(doc["statements"]["social_post"]["fr"]) <= 280


def test_shipped_statements_are_drafts_until_the_organisation_approves(store, workspace):
    listed = {p["id"]: p for p in pb.list_playbooks(store, workspace["id"])}
    assert listed["outage"]["statements"] == {"fr": {"approved": 0, "draft": 5}, "en": {"approved": 0, "draft": 5}}
    assert listed["outage"]["languages"] == ["fr", "en"] and listed["outage"]["title"] == "Interruption de service"
    row = pb.approve_statement(store, workspace["id"], "outage", "social_post", "fr", "Marie Roy")
    assert (row["status"], row["approved_by"]) == ("approved", "Marie Roy") and row["approved_at"] is not None
    again = {p["id"]: p for p in pb.list_playbooks(store, workspace["id"])}
    assert again["outage"]["statements"]["fr"] == {"approved": 1, "draft": 4}


def _edited(slug, **changes):
    data = yaml.safe_load(pb.shipped()[slug].read_text(encoding="utf-8"))
    for fmt, lang, text in changes.get("statements", []):
        data["statements"][fmt][lang] = text
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_an_edit_adds_a_version_and_only_changed_statements_lose_their_approval(store, workspace):
    ws = workspace["id"]
    for fmt in ("social_post", "press_release"):
        pb.approve_statement(store, ws, "outage", fmt, "fr", "Marie Roy")
    new_post = "Panne du service {service} ({area}). Suivez {website} pour la suite."
    row = pb.save_version(store, ws, _edited("outage", statements=[("social_post", "fr", new_post)]), "Paul")
    assert row["version"] == 2 and [v["version"] for v in row["versions"]] == [1, 2]
    status = {(s["format"], s["language"]): s["status"] for s in row["statements"]}
    assert status[("social_post", "fr")] == "draft" and status[("press_release", "fr")] == "approved"
    old = pb.get_playbook(store, ws, "outage", version=1)
    assert next(s for s in old["statements"] if (s["format"], s["language"]) == ("social_post", "fr"))["status"] == "approved"


def test_an_edit_that_breaks_a_format_check_is_refused(store, workspace):
    too_long = "Panne. " * 50
    with pytest.raises(BadRequest, match="280"):
        pb.save_version(store, workspace["id"], _edited("outage", statements=[("social_post", "en", too_long)]))
    no_contact = "{date}: {organisation} a un problème."
    with pytest.raises(BadRequest, match="contact"):
        pb.save_version(store, workspace["id"], _edited("outage", statements=[("press_release", "fr", no_contact)]))
    assert pb.get_playbook(store, workspace["id"], "outage")["version"] == 1


def test_a_playbook_missing_a_language_is_refused():
    with pytest.raises(BadRequest, match="en"):
        pb.parse_document("id: x\ntitle: {fr: Titre}\nsteps: [{fr: a, en: b}]\n")
