"""Product response targets: the settings page and the admin JSON API, with field errors (never a 500)."""

from datetime import time, timedelta

import pytest

from forum.models import EscalationPolicy, Role
from forum.services.care import targets
from forum.services.errors import NotAllowed
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import make_product, make_user
from tests.integration.test_cases import bearer

GOOD = {"time_zone": "Europe/Berlin", "working_days": ["mon", "tue", "wed", "thu", "fri"], "opens_at": "09:00",
        "closes_at": "17:00", "holidays": ["2026-12-25", "2026-12-24"], "first_response_hours": 8,
        "escalation_policy": "every_question", "escalate_after_hours": 2, "escalation_priority": "high",
        "update_cadence": {"urgent": 4, "high": 24}}


@pytest.fixture
def admin():
    return make_user("site_admin", role=Role.ADMIN)


def test_a_product_without_settings_is_24x7_without_targets():
    product = make_product()
    care = targets.targets_for(product.id)
    assert (care.hours, care.first_response, care.policy) == (None, None, EscalationPolicy.OFF)


def test_admin_saves_targets_and_they_resolve_to_business_hours(admin):
    product = make_product()
    with unit_of_work():
        targets.save(product, GOOD, actor=admin)
    care = targets.targets_for(product.id)
    assert care.hours.time_zone == "Europe/Berlin" and care.hours.days == frozenset(range(5))
    assert (care.hours.opens, care.hours.closes) == (time(9), time(17))
    assert len(care.hours.holidays) == 2
    assert care.first_response == timedelta(hours=8) and care.escalate_after == timedelta(hours=2)
    assert care.policy is EscalationPolicy.EVERY_QUESTION and care.escalation_priority == "high"
    assert care.cadence == {"urgent": timedelta(hours=4), "high": timedelta(hours=24)}


def test_only_admins_change_targets(client):
    product = make_product()
    for role in (Role.MEMBER, Role.MODERATOR, Role.AGENT):
        with pytest.raises(NotAllowed):
            targets.save(product, GOOD, actor=make_user(role=role))
    agent = make_user("agent_x", role=Role.AGENT)
    assert client.patch("/api/v1/products/thermostat/care", headers=bearer(agent), json=GOOD).status_code == 403
    assert client.get("/api/v1/products/thermostat/care", headers=bearer(agent)).status_code == 403
    login(client, agent)
    assert client.get("/admin/products/thermostat/care").status_code == 403


@pytest.mark.parametrize(("change", "field"), [
    ({"time_zone": "Mars/Olympus"}, "time_zone"),
    ({"time_zone": 5}, "time_zone"),
    ({"working_days": []}, "working_days"),
    ({"working_days": ["funday"]}, "working_days"),
    ({"working_days": "mon"}, "working_days"),
    ({"opens_at": "9am"}, "opens_at"),
    ({"closes_at": "25:00"}, "closes_at"),
    ({"opens_at": "18:00"}, "closes_at"),
    ({"holidays": ["2026-02-30"]}, "holidays"),
    ({"holidays": "christmas"}, "holidays"),
    ({"first_response_hours": 0}, "first_response_hours"),
    ({"first_response_hours": "eight"}, "first_response_hours"),
    ({"escalation_policy": "sometimes"}, "escalation_policy"),
    ({"escalate_after_hours": 721}, "escalate_after_hours"),
    ({"escalate_after_hours": None}, "escalate_after_hours"),
    ({"escalate_after_hours": True}, "escalate_after_hours"),
    ({"escalation_priority": "asap"}, "escalation_priority"),
    ({"update_cadence": {"urgent": -1}}, "update_cadence.urgent"),
    ({"update_cadence": {"whenever": 3}}, "update_cadence.whenever"),
    ({"update_cadence": [4]}, "update_cadence"),
    ({"colour": "red"}, "colour"),
])
def test_api_field_errors(client, admin, change, field):
    make_product()
    response = client.patch("/api/v1/products/thermostat/care", headers=bearer(admin), json={**GOOD, **change})
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_api_reads_and_patches_only_the_keys_sent(client, admin):
    make_product()
    headers = bearer(admin)
    assert client.put("/api/v1/products/thermostat/care", headers=headers, json=GOOD).status_code == 200
    changed = client.patch("/api/v1/products/thermostat/care", headers=headers, json={"escalate_after_hours": 5})
    data = changed.get_json()
    assert changed.status_code == 200 and data["escalate_after_hours"] == 5 and data["time_zone"] == "Europe/Berlin"
    assert data["holidays"] == ["2026-12-24", "2026-12-25"] and data["working_days"] == [0, 1, 2, 3, 4]
    assert client.get("/api/v1/products/thermostat/care", headers=headers).get_json() == data
    assert client.patch("/api/v1/products/nope/care", headers=headers, json={}).status_code == 404
    assert client.patch("/api/v1/products/thermostat/care", headers=headers, data="x").status_code == 400
    back_to_24x7 = client.patch("/api/v1/products/thermostat/care", headers=headers, json={"time_zone": None})
    assert back_to_24x7.get_json()["time_zone"] is None


def test_settings_page_shows_field_errors_and_saves(client, admin):
    make_product()
    login(client, admin)
    assert client.get("/admin/care").status_code == 200
    page = client.get("/admin/products/thermostat/care")
    assert page.status_code == 200 and "Europe/Berlin" in page.get_data(as_text=True)
    form = {"time_zone": "Nowhere/Land", "working_days": [], "opens_at": "17:00", "closes_at": "09:00",
            "holidays": "2026-13-01", "first_response_hours": "0", "escalation_policy": "every_question",
            "escalate_after_hours": "9999", "escalation_priority": "high", "cadence_urgent": "x"}
    bad = client.post("/admin/products/thermostat/care", data=form)
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and text.count('class="field-error"') == 7
    good = {"time_zone": "Europe/Berlin", "working_days": ["0", "1", "2", "3", "4"], "opens_at": "09:00",
            "closes_at": "17:00", "holidays": "2026-12-25\n2026-12-26", "first_response_hours": "8",
            "escalation_policy": "first_question", "escalate_after_hours": "4", "escalation_priority": "normal",
            "cadence_normal": "48"}
    saved = client.post("/admin/products/thermostat/care", data=good, follow_redirects=True)
    assert saved.status_code == 200 and "are saved" in saved.get_data(as_text=True)
    care = targets.targets_for(make_product().id)
    assert care.policy is EscalationPolicy.FIRST_QUESTION and care.cadence == {"normal": timedelta(hours=48)}
    assert "9:00–17:00" in client.get("/admin/care").get_data(as_text=True).replace("09:00", "9:00")
