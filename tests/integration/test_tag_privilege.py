"""Creating a tag is a privilege (issue 19, item 14): below the "create tags" threshold a member
chooses existing tags, and a tag that doesn't exist yet is a field error on the web and the API."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditLogEntry, Question, Role, Tag
from forum.services import questions, settings, tags
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from moderation import suggestions
from reputation.events import PostKind
from tests.conftest import login
from tests.factories import make_product, make_question, make_tags, make_user
from tests.integration.test_api import bearer

REFUSED = "Creating the tag ‘zigbee’ needs 300 reputation; choose an existing tag."
ASK = {"title": "Hub won't pair with my new door sensor", "product": "thermostat",
       "body": "The sensor blinks twice and the hub never lists it, even right next to it."}


def _tag_names() -> set[str]:
    return set(db.session.scalars(select(Tag.name)))


def test_a_new_member_choosing_an_unknown_tag_gets_a_form_error_and_keeps_the_text(client):
    make_product()
    make_tags("pairing")
    login(client, make_user())
    r = client.post("/questions/ask", data={**ASK, "tags": "pairing zigbee"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert REFUSED in page
    assert "the hub never lists it" in page
    assert _tag_names() == {"pairing"}
    assert db.session.scalar(select(func.count(Question.id))) == 0
    r = client.post("/questions/ask", data={**ASK, "tags": "pairing"})
    assert r.status_code == 302


def test_the_api_refuses_an_unknown_tag_below_the_privilege_with_the_same_message(client):
    make_product()
    make_tags("pairing")
    r = client.post("/api/v1/questions", headers=bearer(make_user()), json={**ASK, "tags": ["zigbee"]})
    assert r.status_code == 403  # a valid request that only the member's standing refuses
    assert r.get_json()["error"]["code"] == "forbidden"
    assert r.get_json()["error"]["fields"]["tags"] == REFUSED
    r = client.post("/api/v1/questions", headers=bearer(make_user()), json={**ASK, "title": "short", "tags": ["zigbee"]})
    assert r.status_code == 422  # a malformed field too: a validation error first
    assert "title" in r.get_json()["error"]["fields"]
    assert _tag_names() == {"pairing"}


def test_members_with_the_privilege_and_staff_create_tags():
    make_product()
    trusted = make_user(reputation_points=299)
    with unit_of_work():
        tags.create_tag(make_user(role=Role.ADMIN), "pairing")
    with unit_of_work():
        question = make_question(trusted, tags=["pairing"])
    assert [t.name for t in question.tags] == ["pairing"]
    with unit_of_work():
        questions.ask(trusted, title=ASK["title"], body=ASK["body"], tags=["zigbee"], product="thermostat")
    with unit_of_work():
        questions.ask(make_user(role=Role.AGENT), title=ASK["title"] + " again", body=ASK["body"], tags=["matter"],
                      product="thermostat")
    assert _tag_names() == {"pairing", "zigbee", "matter"}


def test_the_threshold_follows_the_admin_settings_and_new_community_mode(client):
    make_product()
    member = make_user(reputation_points=40)
    login(client, member)
    assert REFUSED in client.post("/questions/ask", data={**ASK, "tags": "zigbee"}).get_data(as_text=True)
    with unit_of_work():
        settings.set_reputation_settings({}, new_community=True)
    assert client.post("/questions/ask", data={**ASK, "tags": "zigbee"}).status_code == 302
    with unit_of_work():
        settings.set_reputation_settings({"create_tags": 1000}, new_community=False)
    r = client.post("/questions/ask", data={**ASK, "title": ASK["title"] + " twice", "tags": "matter"})
    assert "Creating the tag ‘matter’ needs 1000 reputation; choose an existing tag." in r.get_data(as_text=True)


def test_admins_change_the_create_tags_threshold_on_the_settings_page(client):
    login(client, make_user(role=Role.ADMIN))
    form = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="create_tags"' in form
    values = {rule: str(value) for rule, value in settings.privilege_thresholds().items()}
    r = client.post("/admin/settings", data={**values, "create_tags": "150"})
    assert r.status_code == 302
    db.session.expire_all()
    assert settings.reputation_settings()[0] == {"create_tags": 150}


def test_editing_and_suggesting_edits_cannot_add_an_unknown_tag():
    make_product()
    question = make_question(tags=["schedule"])
    with pytest.raises(ValidationFailed) as edit, unit_of_work():
        questions.edit_question(question.id, question.author, tags=["schedule", "zigbee"])
    assert edit.value.fields["tags"] == REFUSED
    with pytest.raises(ValidationFailed) as suggestion, unit_of_work():
        suggestions.suggest_edit(PostKind.QUESTION, question.id, actor=make_user(reputation_points=100),
                                 body=question.body_md, tags=["schedule", "zigbee"])
    assert suggestion.value.fields["tags"] == REFUSED
    assert _tag_names() == {"schedule"}


def test_the_privileges_page_lists_creating_tags(client):
    page = client.get("/help/privileges").get_data(as_text=True)
    assert "Create tags" in page
    row = page[page.index("Create tags"):]
    assert "300" in row[:200]


def test_admin_created_tags_are_in_the_audit_log():
    admin = make_user(role=Role.ADMIN)
    with unit_of_work():
        tags.create_tag(admin, "Pairing", "Connecting devices to the hub.")
    tag = db.session.scalar(select(Tag).where(Tag.name == "pairing"))
    assert tag.description == "Connecting devices to the hub."
    entry = db.session.scalar(select(AuditLogEntry).where(AuditLogEntry.action == "tag.create"))
    assert (entry.actor_id, entry.target) == (admin.id, f"tag:{tag.id}")
