from datetime import UTC, date, datetime, timedelta

import pytest

from vigie.crisis import incidents as inc
from vigie.crisis import playbooks as pb
from vigie.crisis import statements as st
from vigie.crisis import team
from vigie.exceptions import BadRequest

T0 = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


def test_format_checks_count_length_and_required_elements():
    assert st.check("social_post", "x" * 281) and not st.check("social_post", "x" * 280)
    problems = st.check("press_release", "Communiqué de {organisation}.", language="en")
    assert len(problems) == 2 and "date" in problems[0] and "contact" in problems[1]
    rendered = {"date": "20 novembre 2026", "contact": "Julie, 418-555-0101"}
    assert st.check("press_release", "Le 20 novembre 2026. Julie, 418-555-0101", rendered) == []
    assert st.check("phone_script", "Bonjour {contact}", rendered)  # a placeholder left unfilled


def test_rendering_fills_placeholders_or_names_what_is_missing():
    assert st.render("{organisation} rappelle {product}", {"organisation": "Coop", "product": "pain"}) == \
        "Coop rappelle pain"
    with pytest.raises(BadRequest, match="product"):
        st.render("{organisation} rappelle {product}", {"organisation": "Coop"})
    assert st.format_date(date(2026, 3, 1), "fr") == "1er mars 2026"
    assert st.format_date(date(2026, 3, 12), "en") == "March 12, 2026"


@pytest.fixture
def outage(store, workspace):
    team.set_member(store, workspace["id"], "spokesperson", "Julie Tremblay", "418-555-0101")
    return inc.open_incident(store, workspace["id"], "Panne d'eau", scenario="outage", now=T0,
                             placeholders={"service": "d'aqueduc", "area": "Limoilou",
                                           "website": "ville.example/panne"})


def test_only_approved_statements_are_offered_during_an_incident(store, workspace, outage):
    assert st.offered(store, outage) == []
    with pytest.raises(BadRequest):
        st.prepare(store, outage, "social_post", "fr")
    pb.approve_statement(store, workspace["id"], "outage", "social_post", "fr", "Marie Roy")
    [offer] = st.offered(store, outage)
    assert (offer["format"], offer["language"], offer["missing"]) == ("social_post", "fr", [])
    assert "Limoilou" in offer["text"] and "{" not in offer["text"]


def test_an_unapproved_statement_cannot_be_marked_published(store, workspace, outage):
    own = st.prepare(store, outage, "social_post", "fr", text="Panne d'eau à Limoilou : on s'en occupe.")
    assert own["status"] == "draft"
    with pytest.raises(BadRequest, match="approuv|approved"):
        st.publish(store, own["id"], "Marie")
    assert st.get_statement(store, own["id"])["published_at"] is None
    assert inc.get_incident(store, outage["id"])["first_statement_at"] is None


def test_publishing_an_approved_statement_sets_the_first_statement_time(store, workspace, outage):
    pb.approve_statement(store, workspace["id"], "outage", "press_release", "fr", "Marie Roy")
    prepared = st.prepare(store, outage, "press_release", "fr")
    assert prepared["status"] == "approved" and "Julie Tremblay, 418-555-0101" in prepared["text"]
    st.publish(store, prepared["id"], "Marie", now=T0 + timedelta(minutes=42))
    row = inc.details(store, outage["id"], now=T0 + timedelta(hours=2))
    assert row["first_statement_at"] == T0 + timedelta(minutes=42)
    assert {d["kind"]: d["missed"] for d in row["deadlines"]} == {"first_assessment": True, "first_statement": False}


def test_a_playbook_template_itself_cannot_be_published(store, workspace):
    row = pb.approve_statement(store, workspace["id"], "recall", "social_post", "en", "Marie Roy")
    with pytest.raises(BadRequest):
        st.publish(store, row["id"], "Marie")
