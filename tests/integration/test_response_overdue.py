"""`question.response_overdue`: the care run announces a question that passed its product's
first-response target without a first response, once, signed like every webhook (time travel
with --now), and never for answered, deleted, hidden, closed or locked questions."""

import json
from datetime import datetime

import pytest
from sqlalchemy import event, func, select

from forum.extensions import db
from forum.models import ResponseOverdue, Role, WebhookDelivery
from forum.services import webhooks
from forum.services.care import overdue
from forum.transaction import unit_of_work
from tests.concurrent import at_once
from tests.conftest import login
from tests.factories import make_answer, make_question, make_user
from tests.integration.test_care_run import asked_at, care_run, configure
from tests.integration.test_webhooks import Receiver, _deliver_all, independent_check, with_private_addresses

FRIDAY_16_BERLIN = datetime(2026, 11, 27, 15, 0)  # UTC
OFFICE = {"time_zone": "Europe/Berlin", "working_days": [0, 1, 2, 3, 4], "opens_at": "09:00", "closes_at": "17:00",
          "first_response_hours": 2, "escalation_policy": "off"}


@pytest.fixture
def admin():
    return with_private_addresses(make_user("site_admin", role=Role.ADMIN))  # the receivers are on 127.0.0.1


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def subscribe(admin, url, events):
    with unit_of_work():
        return webhooks.add_endpoint(url, description="CRM", actor=admin, events=events)[1]


def overdue_deliveries():
    return list(db.session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.event_type == webhooks.RESPONSE_OVERDUE)))


def test_a_question_past_its_first_response_target_is_announced_once_signed(app, admin, receiver):
    configure(admin, **OFFICE)
    secret = subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE])
    cases_only = Receiver()
    try:
        subscribe(admin, cases_only.url, [webhooks.CASE_EVENTS])
        q = asked_at(FRIDAY_16_BERLIN, title="Display flickers after the firmware update")
        assert "0 response-overdue notice(s)" in care_run(app, "--now", "2026-11-30T08:59")  # Monday 09:59 Berlin
        assert overdue_deliveries() == []
        output = care_run(app, "--now", "2026-11-30T10:00+01:00")  # Monday 10:00 Berlin: due
        assert (f"sent question.response_overdue for question #{q.id} (Thermostat, due 2026-11-30 09:00 UTC): "
                "Display flickers") in output and "1 response-overdue notice(s)" in output
        assert len(overdue_deliveries()) == 1
        assert "0 response-overdue notice(s)" in care_run(app, "--now", "2026-11-30T15:00")
        assert len(overdue_deliveries()) == 1
        _deliver_all()
        (request,) = receiver.received
        assert independent_check(secret, request["headers"], request["body"])
        body = json.loads(request["body"])
        assert body["id"] == request["headers"]["x-peercare-event-id"] == f"evt_question.response_overdue_{q.id}"
        assert body["type"] == "question.response_overdue"
        assert body["data"]["question"]["id"] == q.id and body["data"]["question"]["product"] == "thermostat"
        assert body["data"]["response_due_at"] == "2026-11-30T09:00:00Z"
        assert body["data"]["waiting_since"] == "2026-11-27T15:00:00Z"
        assert cases_only.received == []
    finally:
        cases_only.close()
    assert db.session.scalar(select(ResponseOverdue.due_at)) == datetime(2026, 11, 30, 9, 0)


def test_dry_run_reports_the_notice_and_sends_nothing(app, admin, receiver):
    configure(admin, **OFFICE)
    subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE])
    q = asked_at(FRIDAY_16_BERLIN, title="Display flickers after the firmware update")
    output = care_run(app, "--dry-run", "--now", "2026-11-30T12:00")
    assert f"would send question.response_overdue for question #{q.id} (Thermostat, due 2026-11-30 09:00 UTC)" in output
    assert "1 response-overdue notice(s)" in output and "nothing changed" in output
    assert overdue_deliveries() == [] and db.session.scalar(select(func.count()).select_from(ResponseOverdue)) == 0
    care_run(app, "--now", "2026-11-30T12:00")
    assert len(overdue_deliveries()) == 1


def test_answered_before_the_target_or_not_public_and_open_is_never_announced(app, admin, receiver):
    configure(admin, **OFFICE)
    subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE])
    answered, self_answered, deleted, hidden, closed, locked = (asked_at(FRIDAY_16_BERLIN) for _ in range(6))
    before_due = datetime(2026, 11, 30, 8, 30)  # Monday 09:30 Berlin, half an hour before the target
    make_answer(answered).created_at = before_due
    make_answer(self_answered, self_answered.author).created_at = before_due  # the asker's own: no response
    deleted.deleted_at = hidden.hidden_at = closed.closed_at = locked.locked_at = FRIDAY_16_BERLIN
    db.session.commit()
    care_run(app, "--now", "2026-11-30T12:00")
    assert [d.payload["data"]["question"]["id"] for d in overdue_deliveries()] == [self_answered.id]


def test_products_without_a_first_response_target_announce_nothing(app, admin, receiver):
    configure(admin, **{**OFFICE, "first_response_hours": None})
    subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE])
    asked_at(FRIDAY_16_BERLIN)
    care_run(app, "--now", "2026-12-30T12:00")
    assert overdue_deliveries() == []


def test_announcing_takes_the_same_queries_for_any_number_of_questions(admin, receiver):
    configure(admin, **{**OFFICE, "time_zone": None})
    subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE])
    subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE, "question.created"])
    queries: list[int] = []
    counting = {"on": False}

    def count(*_args):
        if counting["on"]:
            queries[-1] += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        for n, day in ((2, 1), (9, 2)):
            for _ in range(n):
                make_question(tags=["wifi", "firmware"]).created_at = datetime(2026, 11, day, 12)
            db.session.commit()
            queries.append(0)
            counting["on"] = True
            with unit_of_work():
                announced = overdue.announce(overdue.due_notices(datetime(2026, 11, day, 18), limit=100))
                counting["on"] = False  # what the commit then sends is the outbox's, per message
            assert len(announced) == n
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert queries[0] == queries[1]
    assert len(overdue_deliveries()) == 2 * (2 + 9)


def test_two_runs_at_once_announce_each_question_once(admin, receiver):
    from forum.services.care import run

    configure(admin, **{**OFFICE, "time_zone": None})
    subscribe(admin, receiver.url, [webhooks.RESPONSE_OVERDUE])
    ids = [asked_at(datetime(2026, 11, 1, 12, i)).id for i in range(8)]

    def one_run():
        with unit_of_work():
            return len(run.run(datetime(2026, 11, 2, 12)).overdue)

    results = at_once([one_run, one_run])
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sorted(results) == [0, 8]
    assert sorted(d.payload["data"]["question"]["id"] for d in overdue_deliveries()) == ids


def test_the_webhook_settings_offer_the_event(client, admin):
    login(client, admin)
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert "question.response_overdue" in page and "first-response target" in page
