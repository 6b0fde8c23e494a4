"""The admin area's tags and products (issue 19, item 13): tags are renamed, merged, described
and given synonyms; products are archived and brought back. Every change is an admin's POST,
one unit of work, and in the audit log."""

import pytest
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import AuditLogEntry, Follow, Question, Role, Tag, question_tags
from forum.services import catalog, preferences, questions
from forum.services.errors import StateConflict
from forum.transaction import unit_of_work
from moderation import actions
from tests.conftest import login
from tests.factories import make_moderator, make_product, make_question, make_tags, make_user
from tests.integration.test_api import bearer


def _admin(client):
    admin = make_user(role=Role.ADMIN)
    login(client, admin)
    return admin


def _tag_names(question_id: int) -> list[str]:
    db.session.expire_all()
    return [t.name for t in db.session.get(Question, question_id).tags]


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id)))


def test_merging_moves_every_question_keeps_counts_and_the_old_name_redirects(client):
    only_wi_fi = make_question(tags=["wi-fi"])
    both = make_question(tags=["wi-fi", "wifi"])
    only_wifi = make_question(tags=["wifi"])
    follower = make_user()
    with unit_of_work():
        preferences.follow(follower, "tag", "wi-fi")
    _admin(client)
    r = client.post("/admin/tags/wi-fi/merge", data={"into": "wifi"})
    assert r.status_code == 302 and r.headers["Location"].endswith("#tag-wifi-status")
    assert "“wi-fi” is merged into “wifi” and is now its synonym." in client.get(r.headers["Location"]).get_data(
        as_text=True)
    assert [_tag_names(q.id) for q in (only_wi_fi, both, only_wifi)] == [["wifi"], ["wifi"], ["wifi"]]
    wifi_id = db.session.scalar(select(Tag.id).where(Tag.name == "wifi"))
    assert db.session.scalar(select(func.count()).select_from(question_tags)
                             .where(question_tags.c.tag_id == wifi_id)) == 3
    assert db.session.scalar(select(Follow.tag_id).where(Follow.user_id == follower.id)) == wifi_id
    assert "3 questions" in client.get("/tags").get_data(as_text=True)
    assert "wi-fi" not in client.get("/tags").get_data(as_text=True)
    old = client.get("/tags/wi-fi?sort=newest")
    assert old.status_code == 301 and old.headers["Location"].endswith("/tags/wifi?sort=newest")
    assert "tag.merge" in _actions()


def test_a_synonym_stands_for_its_master_when_asking_and_searching(client):
    make_tags("wifi")
    _admin(client)
    assert client.post("/admin/tags/wifi/synonyms", data={"synonym": "wlan"}).status_code == 302
    asker = make_user()
    make_product()
    with unit_of_work():
        question = questions.ask(asker, title="Router drops the connection at night",
                                 body="Every night the connection drops for a few minutes.", tags="wlan",
                                 product="thermostat")
    assert _tag_names(question.id) == ["wifi"]
    assert client.get("/tags/wlan").headers["Location"].endswith("/tags/wifi")
    assert [i["id"] for i in client.get("/api/v1/questions?tag=wlan").get_json()["items"]] == [question.id]
    found = client.get("/api/v1/search?q=connection&tag=wlan").get_json()
    assert [item["thread_id"] for item in found["items"]] == [question.id]
    assert client.post("/admin/tags/wifi/remove-synonym", data={"synonym": "wlan"}).status_code == 302
    assert client.get("/tags/wlan").status_code == 404
    assert _actions()[-2:] == ["tag.synonym_add", "tag.synonym_remove"]


def test_a_synonym_that_is_a_tag_in_use_must_be_merged(client):
    make_question(tags=["wifi"])
    make_question(tags=["wlan"])
    _admin(client)
    r = client.post("/admin/tags/wifi/synonyms", data={"synonym": "wlan"})
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "“wlan” is a tag of its own: merge it into “wifi” to make it a synonym." in page
    assert client.post("/admin/tags/wifi/merge", data={"into": "nothing-here"}).status_code == 302
    assert "tag.merge" not in _actions()


def test_renaming_keeps_the_questions_and_the_old_name_leads_to_the_new(client):
    question = make_question(tags=["thermstat"])
    _admin(client)
    assert client.post("/admin/tags/thermstat/rename", data={"new_name": "thermostat"}).status_code == 302
    assert _tag_names(question.id) == ["thermostat"]
    assert client.get("/tags/thermstat").headers["Location"].endswith("/tags/thermostat")
    make_tags("heating")
    r = client.post("/admin/tags/thermostat/rename", data={"new_name": "heating"})
    assert "“heating” is an existing tag." in client.get(r.headers["Location"]).get_data(as_text=True)
    assert client.post("/admin/tags/thermostat/describe", data={"description": "The thermostat itself."}).status_code == 302
    assert "The thermostat itself." in client.get("/tags/thermostat").get_data(as_text=True)
    assert _actions() == ["tag.rename", "tag.describe"]


def test_admins_create_tags_and_only_admins_change_them(client):
    make_tags("wifi")
    login(client, make_user(role=Role.MODERATOR))
    assert client.get("/admin/tags").status_code == 403
    assert client.post("/admin/tags/wifi/merge", data={"into": "wifi"}).status_code == 403
    assert client.post("/admin/tags", data={"name": "zigbee"}).status_code == 403
    client.post("/logout")
    _admin(client)
    assert 'href="/admin/tags"' in client.get("/admin").get_data(as_text=True)
    assert client.post("/admin/tags", data={"name": "Zigbee", "description": "The radio."}).status_code == 302
    page = client.get("/admin/tags").get_data(as_text=True)
    assert "Tag “zigbee” is added." in page and "zigbee" in page
    r = client.post("/admin/tags", data={"name": "two words"})
    assert "A tag is one word" in client.get(r.headers["Location"]).get_data(as_text=True)


def test_an_archived_product_takes_no_questions_and_leaves_the_lists_but_keeps_its_questions(client):
    kept = make_question(product="meter", title="How do I read the meter display at night?")
    make_product("thermostat", "Northwind Thermostat")
    _admin(client)
    r = client.post("/admin/products/meter/archive", data={"archived": "1"})
    assert r.status_code == 302
    assert "is archived" in client.get(r.headers["Location"]).get_data(as_text=True)
    ask = client.get("/questions/ask").get_data(as_text=True)
    assert 'value="meter"' not in ask and 'value="thermostat"' in ask
    assert "/products/meter" not in client.get("/products").get_data(as_text=True)
    member = make_user()
    client.post("/logout")
    login(client, member)
    another = {"title": "Another question about the meter", "tags": "schedule", "product": "meter",
               "body": "The meter shows nothing at all since this morning."}
    assert client.post("/questions/ask", data=another).status_code == 422
    refused = client.post("/api/v1/questions", headers=bearer(member), json={**another, "tags": ["schedule"]})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["product"].startswith("Meter is archived and takes no new questions")
    assert db.session.scalar(select(func.count(Question.id))) == 1
    product_page = client.get("/products/meter").get_data(as_text=True)
    assert "This product is archived" in product_page and kept.title in product_page
    assert client.get(f"/questions/{kept.id}", follow_redirects=True).status_code == 200
    client.post("/logout")
    _admin(client)
    assert client.post("/admin/products/meter/archive", data={"archived": "0"}).status_code == 302
    assert 'value="meter"' in client.get("/questions/ask").get_data(as_text=True)
    assert _actions()[-2:] == ["product.archive", "product.unarchive"]


def _archive(slug: str) -> None:
    with unit_of_work():
        catalog.set_archived(make_user(role=Role.ADMIN), slug, True)


def test_no_question_moves_into_an_archived_product_on_the_console_the_api_or_the_service(client):
    question = make_question(product="thermostat")
    in_meter = make_question(product="meter")
    make_product("router", "Router")
    _archive("meter")
    moderator = make_moderator()
    with pytest.raises(StateConflict, match="Meter is archived and takes no new questions"):
        actions.move_question(question.id, "meter", moderator=moderator)

    login(client, moderator)
    console = client.get(f"/mod/questions/{question.id}").get_data(as_text=True)
    assert 'value="router"' in console and 'value="meter"' not in console
    assert 'value="meter" selected>Meter (archived)' in client.get(f"/mod/questions/{in_meter.id}").get_data(
        as_text=True)
    r = client.post(f"/mod/questions/{question.id}/move", data={"product": "meter"})
    assert r.status_code == 302
    assert ("Meter is archived and takes no new questions: choose another product."
            in client.get(r.headers["Location"]).get_data(as_text=True))

    api = client.post(f"/api/v1/questions/{question.id}/move", headers=bearer(moderator), json={"product": "meter"})
    assert api.status_code == 409 and api.get_json()["error"]["fields"]["product"].startswith("Meter is archived")
    unknown = client.post(f"/api/v1/questions/{question.id}/move", headers=bearer(moderator), json={"product": "nope"})
    assert unknown.status_code == 404
    db.session.expire_all()
    assert db.session.get(Question, question.id).product.slug == "thermostat"
    assert "question.move" not in _actions()

    moved = client.post(f"/api/v1/questions/{question.id}/move", headers=bearer(moderator),
                        json={"product": "router", "note": "wrong product"})
    assert moved.status_code == 200 and moved.get_json()["product"]["slug"] == "router"
    out = client.post(f"/api/v1/questions/{in_meter.id}/move", headers=bearer(moderator), json={"product": "router"})
    assert out.status_code == 200  # an archived product's own questions may still move out
    assert _actions()[-2:] == ["question.move", "question.move"]


def test_a_crafted_ask_form_naming_an_archived_or_unknown_product_gets_a_field_error(client):
    make_question(product="meter")
    make_product("thermostat", "Northwind Thermostat")
    _archive("meter")
    login(client, make_user())
    ask = {"title": "Another question about the meter", "tags": "schedule", "product": "meter",
           "body": "The meter shows nothing at all since this morning."}
    for product, message in (("meter", "Meter is archived and takes no new questions: please choose another product."),
                             ("toaster", "Please choose one of the products.")):
        page = client.post("/questions/ask", data={**ask, "product": product})
        text = page.get_data(as_text=True)
        assert page.status_code == 422 and message in text and "Not a valid choice" not in text
        assert 'id="product-error"' in text or 'aria-invalid="true"' in text
    assert db.session.scalar(select(func.count(Question.id))) == 1
