"""Customer profile fields: admins define them, the ask form asks once, staff-only answers stay staff-only."""

import json
import time

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ProfileField, ProfileValue, Question, QuestionFieldValue, Role, SsoIdentity
from forum.search import service
from forum.services import profile_fields
from forum.transaction import unit_of_work
from moderation import escalation
from tests.conftest import login
from tests.factories import make_product, make_tags, make_user
from tests.integration.test_digests import IN_WINDOW, _at, member, run
from tests.integration.test_webhooks import _deliver_all, receiver  # noqa: F401 - the receiver fixture

SECRET_SERIAL = "SN-ZQX-PRIVATE-7741"  # a unique marker: must never appear anywhere public
PUBLIC_FIRMWARE = "4.2.17-public"
BODY = "The schedule resets itself every night at two; I tried a reboot and a factory reset."


def define(product, admin, **data):
    with unit_of_work():
        return profile_fields.define_field(product, data, actor=admin)


@pytest.fixture
def thermostat_fields():
    """A product with a required staff-only serial number, a public firmware version and an optional plan."""
    admin = make_user("site_admin", role=Role.ADMIN)
    product = make_product("thermostat", "Northwind Thermostat")
    make_tags("schedule")
    serial = define(product, admin, label="Serial number", kind="text", required=True, staff_only=True,
                    help_text="On the sticker under the device.", claim="serial")
    firmware = define(product, admin, label="Firmware version", kind="text", staff_only=False)
    plan = define(product, admin, label="Plan", kind="choice", choices=["Basic", "Premium"], staff_only=True)
    bought = define(product, admin, label="Bought on", kind="date")
    rooms = define(product, admin, label="Rooms", kind="number")
    return {"admin": admin, "product": product, "serial": serial, "firmware": firmware, "plan": plan,
            "bought": bought, "rooms": rooms}


def ask_form(fields, **answers):
    data = {"title": "Schedule resets itself every night", "body": BODY, "tags": "schedule", "product": "thermostat"}
    data.update({f"pf-{fields[name].id}": value for name, value in answers.items()})
    return data


# --- definitions --------------------------------------------------------------------------------

def test_admins_define_fields_with_form_errors(client):
    admin = make_user("site_admin", role=Role.ADMIN)
    make_product("thermostat", "Northwind Thermostat")
    login(client, admin)
    bad = client.post("/admin/products/thermostat/fields", data={"label": "", "kind": "choice", "choices": "Only one",
                                                                  "claim": "has space", "help_text": "x" * 301})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and page.count('class="field-error"') == 4
    good = client.post("/admin/products/thermostat/fields", data={
        "label": "Serial number", "kind": "text", "visibility": "staff", "required": "on", "help_text": "Sticker"})
    assert good.status_code == 302
    field = db.session.scalar(select(ProfileField))
    assert (field.key, field.kind, field.required, field.staff_only) == ("serial_number", "text", True, True)
    twice = client.post("/admin/products/thermostat/fields", data={"label": "serial NUMBER", "kind": "text"})
    assert twice.status_code == 422 and "already has a field with that label" in twice.get_data(as_text=True)
    member_client = client.application.test_client()
    login(member_client, make_user("plain"))
    assert member_client.get("/admin/products/thermostat/fields").status_code == 403


def test_the_api_defines_and_changes_fields_with_json_field_errors(client):
    from tests.integration.test_api import bearer

    admin = make_user("site_admin", role=Role.ADMIN)
    make_product("thermostat", "Northwind Thermostat")
    bad = client.post("/api/v1/products/thermostat/fields", headers=bearer(admin),
                      json={"label": "Plan", "kind": "choice", "choices": ["A"], "required": "yes", "colour": 1})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"colour", "required"}
    bad = client.post("/api/v1/products/thermostat/fields", headers=bearer(admin),
                      json={"label": "Plan", "kind": "choice", "choices": ["A"], "required": True})
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"choices"}
    created = client.post("/api/v1/products/thermostat/fields", headers=bearer(admin),
                          json={"label": "Plan", "kind": "choice", "choices": ["Basic", "Premium"]})
    assert created.status_code == 201 and created.get_json()["key"] == "plan"
    field_id = created.get_json()["id"]
    kind = client.patch(f"/api/v1/profile-fields/{field_id}", headers=bearer(admin), json={"kind": "text"})
    assert kind.status_code == 422 and "kind" in kind.get_json()["error"]["fields"]
    renamed = client.patch(f"/api/v1/profile-fields/{field_id}", headers=bearer(admin),
                           json={"label": "Subscription plan", "retired": True})
    assert renamed.get_json()["label"] == "Subscription plan" and renamed.get_json()["retired"] is True
    assert client.get("/api/v1/products/thermostat/fields").get_json()["items"] == []
    member_token = bearer(make_user("plain"))
    refused = client.post("/api/v1/products/thermostat/fields", headers=member_token, json={"label": "X", "kind": "text"})
    assert refused.status_code == 403


# --- asking ---------------------------------------------------------------------------------------

def test_the_ask_form_asks_once_and_prefills_the_next_time(client, thermostat_fields):
    fields = thermostat_fields
    customer = make_user("customer")
    login(client, customer)
    page = client.get("/questions/ask?product=thermostat").get_data(as_text=True)
    assert "Your Northwind Thermostat details" in page and "On the sticker under the device." in page

    missing = client.post("/questions/ask", data=ask_form(fields, plan="Gold", bought="2026-02-30", rooms="many"))
    text = missing.get_data(as_text=True)
    assert missing.status_code == 422
    assert "Serial number is required for Northwind Thermostat questions." in text
    assert "Choose one of the options." in text and "Give a date as YYYY-MM-DD" in text and "Give a number" in text
    assert db.session.scalar(select(db.func.count(Question.id))) == 0

    posted = client.post("/questions/ask", data=ask_form(fields, serial=f"  {SECRET_SERIAL} ", firmware=PUBLIC_FIRMWARE,
                                                         plan="Premium", bought="2025-11-03", rooms="3.50"))
    assert posted.status_code == 302
    question = db.session.scalar(select(Question))
    given = {v.field.key: v.value for v in db.session.scalars(select(QuestionFieldValue))}
    assert given == {"serial_number": SECRET_SERIAL, "firmware_version": PUBLIC_FIRMWARE, "plan": "Premium",
                     "bought_on": "2025-11-03", "rooms": "3.5"}
    saved = {v.field.key for v in db.session.scalars(select(ProfileValue).where(ProfileValue.user_id == customer.id))}
    assert saved == set(given)
    assert question.author_id == customer.id

    again = client.get("/questions/ask").get_data(as_text=True)
    assert f'value="{SECRET_SERIAL}"' in again and "<option selected>Premium</option>" in again


def test_answers_are_prefilled_from_a_mapped_claim(client, thermostat_fields):
    customer = make_user("customer")
    db.session.add(SsoIdentity(user_id=customer.id, provider="company", subject="sub-c",
                               claims={"fields": {"serial": "SN-FROM-CLAIM-1"}}))
    db.session.commit()
    login(client, customer)
    assert 'value="SN-FROM-CLAIM-1"' in client.get("/questions/ask").get_data(as_text=True)


def test_the_api_asks_with_answers_by_key(client, thermostat_fields):
    from tests.integration.test_api import bearer

    token = bearer(make_user("customer"))
    payload = {"title": "Schedule resets itself every night", "body": BODY, "tags": ["schedule"],
               "product": "thermostat"}
    missing = client.post("/api/v1/questions", headers=token, json={**payload, "fields": {"colour": "red"}})
    assert missing.status_code == 422
    assert set(missing.get_json()["error"]["fields"]) == {"fields.serial_number", "fields.colour"}
    assert client.post("/api/v1/questions", headers=token, json={**payload, "fields": "x"}).status_code == 422
    done = client.post("/api/v1/questions", headers=token, json={**payload, "fields": {"serial_number": SECRET_SERIAL}})
    assert done.status_code == 201 and SECRET_SERIAL not in done.get_data(as_text=True)


def test_other_products_questions_are_not_asked_for_these_fields(client, thermostat_fields):
    make_product("meter", "Northwind Meter")
    login(client, make_user("customer"))
    data = ask_form(thermostat_fields) | {"product": "meter"}
    assert client.post("/questions/ask", data=data).status_code == 302


# --- who sees what --------------------------------------------------------------------------------

def test_staff_only_answers_never_reach_a_public_surface(app, client, thermostat_fields, mailbox, receiver):  # noqa: F811
    fields = thermostat_fields
    admin = fields["admin"]
    from forum.services import webhooks
    from tests.integration.test_webhooks import with_private_addresses

    with_private_addresses(admin)
    with unit_of_work():
        webhooks.add_endpoint(receiver.url, description="CRM", actor=admin)
    reader = member(follow=(("product", "thermostat"),))
    customer = make_user("customer")
    login(client, customer)
    client.post("/questions/ask", data=ask_form(fields, serial=SECRET_SERIAL, firmware=PUBLIC_FIRMWARE, plan="Premium"))
    question = db.session.scalar(select(Question))
    _at(Question, question.id, IN_WINDOW)
    client.post("/logout")
    engine = app.extensions["search"]

    public = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert PUBLIC_FIRMWARE in public and "Firmware version" in public
    surfaces = {"question page": public}
    stranger = app.test_client()
    login(stranger, make_user("stranger"))
    surfaces["question page, signed in"] = stranger.get(f"/questions/{question.id}", follow_redirects=True).get_data(
        as_text=True)
    for path in ("/", "/questions?sort=newest", "/products/thermostat", f"/users/{customer.id}",
                 "/feeds/questions.rss", "/feeds/questions.atom", "/feeds/products/thermostat.atom",
                 f"/feeds/questions/{question.id}.atom", "/feeds/unanswered.rss",
                 f"/api/v1/questions/{question.id}", "/api/v1/questions", f"/api/v1/users/{customer.id}",
                 "/search?q=schedule", "/api/v1/search?q=schedule"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        surfaces[path] = response.get_data(as_text=True)
    deadline = time.monotonic() + 15
    while not service.search(engine, "schedule").items and time.monotonic() < deadline:
        time.sleep(0.1)  # the index follows after the commit (a real worker in the services suite)
    assert service.search(engine, "schedule").items, "the question is indexed"
    assert service.search(engine, SECRET_SERIAL).items == []  # searching for the marker finds nothing
    assert service.search(engine, "Premium").items == []
    assert run() == 1
    [digest] = mailbox.wait_for(1, to=reader.email)
    surfaces["digest"] = digest.as_string()
    assert "Schedule resets itself" in surfaces["digest"]
    leaks = [name for name, text in surfaces.items() if SECRET_SERIAL in text or "Premium" in text]
    assert leaks == []

    agent = make_user("agent_ann", role=Role.AGENT)
    with unit_of_work():
        case = escalation.escalate(question.id, actor=agent, priority="high").case
    staff = app.test_client()
    login(staff, agent)
    case_page = staff.get(f"/cases/{case.reference}").get_data(as_text=True)
    assert SECRET_SERIAL in case_page and "Premium" in case_page and PUBLIC_FIRMWARE in case_page
    assert staff.get(f"/mod/members/{customer.id}").status_code == 403  # agents don't get the console
    moderator = app.test_client()
    login(moderator, make_user("mod_max", role=Role.MODERATOR))
    assert SECRET_SERIAL in moderator.get(f"/mod/members/{customer.id}").get_data(as_text=True)
    _deliver_all()
    deadline = time.monotonic() + 15
    while not receiver.received and time.monotonic() < deadline:
        time.sleep(0.05)
    payload = json.loads(receiver.received[0]["body"])
    assert {"key": "serial_number", "label": "Serial number", "value": SECRET_SERIAL, "staff_only": True} in (
        payload["case"]["customer_fields"])


def test_rename_reorder_and_retire_keep_the_answers(client, thermostat_fields):
    fields, admin = thermostat_fields, thermostat_fields["admin"]
    customer = make_user("customer")
    login(client, customer)
    client.post("/questions/ask", data=ask_form(fields, serial=SECRET_SERIAL, firmware=PUBLIC_FIRMWARE))
    question = db.session.scalar(select(Question))
    login(client, admin)
    assert client.post(f"/admin/fields/{fields['firmware'].id}/edit", data={
        "label": "Software version", "visibility": "public"}).status_code == 302
    assert client.post(f"/admin/fields/{fields['firmware'].id}/move", data={"direction": "up"}).status_code == 302
    order = [f.key for f in profile_fields.fields_for(fields["product"].id)]
    assert order[:2] == ["firmware_version", "serial_number"]  # the key stays as the label changes
    assert client.post(f"/admin/fields/{fields['serial'].id}/retire").status_code == 302

    page = client.get(f"/questions/{question.id}", follow_redirects=True).get_data(as_text=True)
    assert "Software version" in page and PUBLIC_FIRMWARE in page
    login(client, customer)
    ask = client.get("/questions/ask").get_data(as_text=True)
    assert "Serial number" not in ask  # retired: no longer asked...
    details = client.get("/settings/customer-details").get_data(as_text=True)
    assert SECRET_SERIAL in details and "Details no longer asked for" in details  # ...and kept
    assert db.session.scalar(select(QuestionFieldValue.value).where(
        QuestionFieldValue.field_id == fields["serial"].id)) == SECRET_SERIAL
    assert client.post("/questions/ask", data=ask_form(fields)).status_code == 302  # no longer required

    login(client, admin)
    client.post(f"/admin/fields/{fields['serial'].id}/restore")
    assert [f.key for f in profile_fields.fields_for(fields["product"].id)][-1] == "serial_number"


def test_members_edit_their_saved_values_in_settings(client, thermostat_fields):
    fields = thermostat_fields
    customer = make_user("customer")
    login(client, customer)
    bad = client.post("/settings/customer-details", data={f"pf-{fields['rooms'].id}": "lots"})
    assert bad.status_code == 422 and "Give a number" in bad.get_data(as_text=True)
    ok = client.post("/settings/customer-details", data={f"pf-{fields['serial'].id}": "SN-1",
                                                          f"pf-{fields['rooms'].id}": "4"})
    assert ok.status_code == 302
    assert profile_fields.saved_values(customer.id) == {fields["serial"].id: "SN-1", fields["rooms"].id: "4"}
    client.post("/settings/customer-details", data={f"pf-{fields['serial'].id}": ""})
    assert profile_fields.saved_values(customer.id) == {}


def test_the_export_includes_the_answers_and_deletion_erases_them(client, thermostat_fields):
    fields = thermostat_fields
    customer = make_user("customer")
    login(client, customer)
    client.post("/questions/ask", data=ask_form(fields, serial=SECRET_SERIAL, firmware=PUBLIC_FIRMWARE))
    export = client.get("/settings/privacy/export.json").get_json()["customer_profile"]
    assert {"product": "thermostat", "field": "serial_number", "label": "Serial number",
            "value": SECRET_SERIAL} in export["saved"]
    assert {a["value"] for a in export["with_questions"]} == {SECRET_SERIAL, PUBLIC_FIRMWARE}

    from tests.factories import PASSWORD

    assert client.post("/settings/privacy/delete", data={"password": PASSWORD, "confirmation": "DELETE"}).status_code == 302
    assert db.session.scalar(select(db.func.count(ProfileValue.id))) == 0
    assert db.session.scalar(select(db.func.count()).select_from(QuestionFieldValue)) == 0
    assert db.session.scalar(select(db.func.count(Question.id))) == 1  # the post stays, without the details
