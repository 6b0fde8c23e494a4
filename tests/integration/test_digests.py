"""Digests: who is due when, what goes in, nothing sent when nothing is new, each period at most once."""

from datetime import datetime
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select, update

from forum import mail
from forum.extensions import db
from forum.models import Answer, DigestDelivery, Question
from forum.services import digests, preferences, privacy
from forum.transaction import transactional
from tests.factories import PASSWORD, make_answer, make_question, make_user
from tests.smtp_sink import free_port

# Monday 2 March 2026, 06:05 UTC = 07:05 in Berlin (UTC+1 in winter), 01:05 in New York.
RUN = datetime(2026, 3, 2, 6, 5)
IN_WINDOW = datetime(2026, 3, 1, 12, 0)     # Sunday noon: inside the daily window (Sun 07:00 → Mon 07:00)
BEFORE_WINDOW = datetime(2026, 2, 27, 12, 0)  # the Friday before: inside the weekly window only
LONG_AGO = datetime(2026, 2, 10, 12, 0)


def _at(model, row_id: int, when: datetime) -> None:
    db.session.execute(update(model).where(model.id == row_id).values(created_at=when))
    db.session.commit()


@transactional
def member(digest: str = "daily", time_zone: str = "Europe/Berlin", follow: tuple = ()):
    user = make_user()
    preferences.update_choices(user, digest=digest, time_zone=time_zone, email_kinds=set())
    for kind, ref in follow:
        preferences.follow(user, kind, ref)
    return user


def run(now: datetime = RUN) -> int:
    """What the beat task does, with the per-member task performed here (one unit of work each)."""
    return digests.fan_out(transactional(digests.deliver), now)


def _parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_content() for p in message.walk() if p.get_content_maintype() == "text"}


def test_daily_digest_has_new_questions_answers_and_unanswered(app, mailbox):
    make_question(tags=["wifi"])  # creates the product "thermostat"
    tagged = make_question(title="Invoice shows the wrong tariff name", product="meter", tags=["billing"])
    reader = member(follow=(("product", "thermostat"), ("tag", "billing")))
    fresh = make_question(title="Schedule resets every night at two", product="thermostat")
    old_open = make_question(title="Display dims after an hour of use")
    answered_before = make_question(title="Old question that was answered before")
    make_answer(answered_before)
    mine = make_question(reader, title="My own question is never in my digest")
    followed = make_question(title="Followed question about the heat pump")
    preferences.follow(reader, "question", followed.id)
    answer = make_answer(followed, body="Set the heat pump to eco mode and wait a day, then check again.")
    deleted = make_question(title="Deleted question must not appear anywhere")
    from forum.services import questions

    questions.delete_question(deleted.id, deleted.author)
    for q in (fresh, tagged, mine, deleted):
        _at(Question, q.id, IN_WINDOW)
    _at(Answer, answer.id, IN_WINDOW)
    _at(Question, old_open.id, LONG_AGO)
    for q in (answered_before, followed):
        _at(Question, q.id, BEFORE_WINDOW)

    assert run() == 1
    [message] = mailbox.wait_for(1, to=reader.email)
    assert message["Subject"] == "Your daily digest: 2 new questions, 1 new answer"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = _parts(message)["text/plain"], _parts(message)["text/html"]
    for part in (text, html):
        assert "Schedule resets every night at two" in part
        assert "Invoice shows the wrong tariff name" in part
        assert "Followed question about the heat pump" in part
        assert f"#answer-{answer.id}" in part
        assert "Display dims after an hour of use" in part  # still waiting for an answer
        assert "My own question" not in part
        assert "Deleted question" not in part
        assert "Old question that was answered" not in part
    row = db.session.scalar(select(DigestDelivery).where(DigestDelivery.user_id == reader.id))
    assert (row.period, row.item_count, row.sent) == ("daily:2026-03-02", 3, True)
    # The unsubscribe link in a digest turns digests off, and only digests.
    path = urlsplit(message["List-Unsubscribe"].strip()[1:-1]).path
    assert app.test_client(use_cookies=False).post(path, data="List-Unsubscribe=One-Click").status_code == 200
    assert preferences.choices(reader.id).digest == "off"


def test_nothing_new_sends_nothing_and_is_not_tried_again(mailbox):
    old = make_question()
    _at(Question, old.id, LONG_AGO)
    reader = member(follow=(("product", "thermostat"),))
    assert run() == 1
    assert mailbox.messages() == []
    row = db.session.scalar(select(DigestDelivery).where(DigestDelivery.user_id == reader.id))
    assert (row.item_count, row.sent) == (0, False)
    assert run() == 0  # the same period is handled once


def test_a_repeated_delivery_sends_one_email(mailbox):
    q = make_question()
    _at(Question, q.id, IN_WINDOW)
    reader = member(follow=(("product", "thermostat"),))
    assert digests.deliver(reader.id, "daily:2026-03-02") == 1
    assert digests.deliver(reader.id, "daily:2026-03-02") == 0
    assert len(mailbox.wait_for(1, to=reader.email)) == 1
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == 1


def test_a_batch_goes_out_over_one_smtp_connection(mailbox):
    q = make_question()
    _at(Question, q.id, IN_WINDOW)
    readers = [member(follow=(("product", "thermostat"),)) for _ in range(3)]
    counts = transactional(digests.deliver_many)([r.id for r in readers], "daily:2026-03-02")
    assert counts == {r.id: 1 for r in readers}
    assert all(len(mailbox.wait_for(1, to=r.email)) == 1 for r in readers)
    assert mailbox.greetings == 1


def test_a_batch_that_cannot_reach_the_mail_server_releases_its_claims_for_a_later_run(app, mailbox):
    q = make_question()
    _at(Question, q.id, IN_WINDOW)
    readers = [member(follow=(("product", "thermostat"),)) for _ in range(2)]
    key = "daily:2026-03-02"
    port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    mail.init_app(app)
    try:
        with pytest.raises(mail.MailUnavailable):
            transactional(digests.deliver_many)([r.id for r in readers], key)
    finally:
        app.config["MAIL_PORT"] = port
        mail.init_app(app)
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == 0
    assert transactional(digests.deliver_many)([r.id for r in readers], key) == {r.id: 1 for r in readers}
    assert all(len(mailbox.wait_for(1, to=r.email)) == 1 for r in readers)


def test_who_is_due_depends_on_the_members_clock_and_choice():
    make_question()
    berlin = member()
    new_york = member(time_zone="America/New_York")
    weekly = member(digest="weekly")
    member(digest="off")
    member(follow=())  # follows nothing: nothing to send, never selected
    for user in (berlin, new_york, weekly):
        preferences.follow(user, "product", "thermostat")
    due = {user_id: key for batch in digests.due(RUN) for user_id, key in batch}
    assert due == {berlin.id: "daily:2026-03-02", weekly.id: "weekly:2026-W10"}
    at_seven_in_new_york = datetime(2026, 3, 2, 12, 30)  # 07:30 EST
    assert {u for b in digests.due(at_seven_in_new_york) for u, _ in b} == {new_york.id}
    tuesday = datetime(2026, 3, 3, 6, 5)
    assert {u for b in digests.due(tuesday) for u, _ in b} == {berlin.id}
    assert list(digests.due(datetime(2026, 3, 2, 7, 5))) == []  # 08:05 in Berlin: too late for this hour


def test_weekly_window_covers_the_week_and_daily_the_day():
    assert digests.window("daily:2026-03-02", "Europe/Berlin") == (datetime(2026, 3, 1, 6), datetime(2026, 3, 2, 6))
    assert digests.window("weekly:2026-W10", "UTC") == (datetime(2026, 2, 23, 7), datetime(2026, 3, 2, 7))
    # Across the spring change of clocks the window is 23 hours: 07:00 local to 07:00 local.
    assert digests.window("daily:2026-03-29", "Europe/Berlin") == (datetime(2026, 3, 28, 6), datetime(2026, 3, 29, 5))


def test_opted_out_and_deleted_members_get_no_digest(mailbox):
    q = make_question()
    _at(Question, q.id, IN_WINDOW)
    leaving = member(follow=(("product", "thermostat"),))
    gone = member(follow=(("product", "thermostat"),))
    preferences.update_choices(leaving, digest="off", time_zone="UTC", email_kinds=set())
    privacy.delete_account(gone, password=PASSWORD, confirmation="DELETE")
    assert run() == 0
    assert digests.deliver(gone.id, "daily:2026-03-02") == 0
    assert digests.deliver(leaving.id, "daily:2026-03-02") == 0
    assert mailbox.messages() == []


def test_cli_dry_run_shows_and_sends_nothing_then_send_delivers(app, mailbox):
    q = make_question(title="Heating curve explained for beginners")
    _at(Question, q.id, IN_WINDOW)
    reader = member(follow=(("product", "thermostat"),))
    quiet = member(follow=(("question", q.id),))  # no new answers: nothing to send
    runner = app.test_cli_runner()
    result = runner.invoke(args=["digests", "send", "--dry-run", "--now", "2026-03-02T06:05"])
    assert result.exit_code == 0, result.output
    assert f"would send daily:2026-03-02 to {reader.username}" in result.output
    assert f"nothing new for {quiet.username}" in result.output
    assert "2 member(s) due, 1 digest(s) would be sent" in result.output
    assert db.session.scalar(select(func.count(DigestDelivery.id))) == 0
    assert mailbox.messages() == []
    result = runner.invoke(args=["digests", "send", "--now", "2026-03-02T07:05+01:00"])
    assert result.exit_code == 0, result.output
    assert "Enqueued 2 digest(s)." in result.output
    assert len(mailbox.wait_for(1, to=reader.email)) == 1
    assert runner.invoke(args=["digests", "send", "--now", "yesterday"]).exit_code != 0


def test_follow_buttons_follow_and_unfollow(client):
    from tests.conftest import login

    q = make_question(tags=["wifi"])
    user = make_user()
    login(client, user)
    page = client.get("/products/thermostat").get_data(as_text=True)
    assert 'name="kind" value="product"' in page and ">Follow<" in page
    r = client.post("/follow", data={"kind": "product", "ref": "thermostat", "next": "/products/thermostat"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/products/thermostat")
    assert ">Following<" in client.get("/products/thermostat").get_data(as_text=True)
    client.post("/follow", data={"kind": "tag", "ref": "wifi"})
    client.post("/follow", data={"kind": "question", "ref": str(q.id)})
    client.post("/follow", data={"kind": "question", "ref": str(q.id)})  # twice is once
    assert preferences.followed_keys(user.id) == {("product", q.product_id), ("tag", q.tags[0].id),
                                                  ("question", q.id)}
    settings = client.get("/settings/notifications").get_data(as_text=True)
    assert "Northwind" in settings or "Thermostat" in settings
    client.post("/unfollow", data={"kind": "product", "ref": "thermostat"})
    assert ("product", q.product_id) not in preferences.followed_keys(user.id)
    assert client.post("/follow", data={"kind": "product", "ref": "no-such-product"}).status_code == 302
    assert client.post("/follow", data={"kind": "planet", "ref": "mars"}).status_code == 302
    assert client.post("/follow", data={"kind": "tag", "ref": "wifi", "next": "https://evil.example/"}
                       ).headers["Location"] in ("/", "http://localhost/")
    pages = {url: client.get(url, follow_redirects=True).get_data(as_text=True)
             for url in ("/tags", "/products", f"/questions/{q.id}", "/tags/wifi")}
    assert 'action="/unfollow"' in pages["/tags"] and 'action="/unfollow"' in pages["/tags/wifi"]
    assert 'action="/follow"' in pages["/products"]
    assert 'action="/unfollow"' in pages[f"/questions/{q.id}"]


def test_the_celery_tasks_and_beat_entry(app, mailbox):
    celery_app = app.extensions["celery"]
    entry = celery_app.conf.beat_schedule["send-digests"]
    assert entry["task"] in celery_app.tasks
    assert "forum.tasks.send_digest" in celery_app.tasks
    q = make_question()
    _at(Question, q.id, IN_WINDOW)
    reader = member(follow=(("product", "thermostat"),))
    task = celery_app.tasks["forum.tasks.send_digest"]
    task.apply(args=[reader.id, "daily:2026-03-02"])
    task.apply(args=[reader.id, "daily:2026-03-02"])  # a retried or duplicated task
    assert len(mailbox.wait_for(1, to=reader.email)) == 1
    preferences.update_choices(reader, digest="off", time_zone="UTC", email_kinds=set())
    assert celery_app.tasks[entry["task"]].apply().result == 0  # the beat task: nobody wants a digest now


def test_long_sections_are_cut_and_say_there_is_more(mailbox):
    for n in range(digests.ITEMS_PER_SECTION + 2):
        _at(Question, make_question(title=f"Busy day question number {n:02d} here").id, IN_WINDOW)
    reader = member(follow=(("product", "thermostat"),))
    assert digests.deliver(reader.id, "daily:2026-03-02") == digests.ITEMS_PER_SECTION
    [message] = mailbox.wait_for(1, to=reader.email)
    assert message["Subject"] == f"Your daily digest: {digests.ITEMS_PER_SECTION}+ new questions"
    text = _parts(message)["text/plain"]
    assert text.count("Busy day question number") == digests.ITEMS_PER_SECTION
    assert "…and more on PeerCare Community: http://localhost" in text


def test_quiet_products_stay_out_of_digests_even_through_followed_tags(mailbox):
    loud = make_question(title="Display flickers when the heating starts", product="thermostat", tags=["display"])
    quiet = make_question(title="Meter display is blank after a power cut", product="meter", tags=["display"])
    reader = member(follow=(("tag", "display"),))
    preferences.update_choices(reader, digest="daily", time_zone="Europe/Berlin", email_kinds=set(),
                               quiet_products={quiet.product_id})
    for q in (loud, quiet):
        _at(Question, q.id, IN_WINDOW)
    assert run() == 1
    [message] = mailbox.wait_for(1, to=reader.email)
    text = _parts(message)["text/plain"]
    assert loud.title in text and quiet.title not in text


def test_digest_lists_new_knowledge_articles_of_followed_products(mailbox):
    from forum.models import Article
    from moderation import knowledge

    moderator = make_user(role="moderator")
    q = make_question(title="Thermostat shows E42 after the firmware update", product="thermostat")
    article = knowledge.publish_answer(q.id, answer_id=make_answer(q).id, actor=moderator)
    _at(Question, q.id, LONG_AGO)
    db.session.execute(update(Article).where(Article.id == article.id).values(published_at=IN_WINDOW))
    db.session.commit()
    reader = member(follow=(("product", "thermostat"),))
    assert run() == 1
    [message] = mailbox.wait_for(1, to=reader.email)
    assert message["Subject"] == "Your daily digest: 1 new article"
    assert f"/kb/{article.id}/" in _parts(message)["text/plain"]


def test_a_batch_run_gives_each_member_the_digest_a_single_delivery_would(mailbox):
    """deliver_many reads each section once for the whole batch; every member still gets their own digest."""
    by_tag = make_question(title="Pump hums loudly at night", product="thermostat", tags=["noise"])
    quiet = make_question(title="Meter noise after the firmware update", product="meter", tags=["noise"])
    followed = make_question(title="Which filter fits the return vent")
    answer = make_answer(followed, body="The 16x25 one fits; change it every three months at least.")
    older = make_question(title="Valve still clicks after bleeding the radiators", tags=["noise"])
    for q in (by_tag, quiet):
        _at(Question, q.id, IN_WINDOW)
    _at(Answer, answer.id, IN_WINDOW)
    _at(Question, followed.id, BEFORE_WINDOW)
    _at(Question, older.id, LONG_AGO)
    tagged = member(follow=(("tag", "noise"),))
    preferences.update_choices(tagged, digest="daily", time_zone="Europe/Berlin", email_kinds=set(),
                               quiet_products={quiet.product_id})
    everything = member(follow=(("product", "thermostat"), ("product", "meter"), ("question", followed.id)))
    own = member(follow=(("tag", "noise"),))
    mine = make_question(own, title="My own pump question stays out of my digest", tags=["noise"])
    _at(Question, mine.id, IN_WINDOW)
    nothing = member(follow=(("question", older.id),))
    users = (tagged, everything, own, nothing)
    key = "daily:2026-03-02"
    expected = {}
    for user in users:
        digest = digests.build(user.id, key, "Europe/Berlin")  # the per-member path: queries per section
        expected[user.id] = digests.render(user, digest) if digest.new_count else None
    counts = digests.deliver_many([u.id for u in users], key)
    assert set(counts) == {u.id for u in users} and all((counts[u.id] > 0) == (expected[u.id] is not None)
                                                         for u in users)
    assert counts[nothing.id] == 0
    for user in users:
        sent = mailbox.messages(to=user.email)
        if expected[user.id] is None:
            assert sent == []
            continue
        [message] = mailbox.wait_for(1, to=user.email)
        parts = _parts(message)
        unsubscribe = expected[user.id].unsubscribe_url
        assert message["Subject"] == expected[user.id].subject
        for sent_part, rendered in ((parts["text/plain"], expected[user.id].text),
                                    (parts["text/html"], expected[user.id].html)):
            assert sent_part.replace("\r\n", "\n").strip() == rendered.replace("\r\n", "\n").strip()
        assert unsubscribe and unsubscribe in parts["text/plain"]
    text = {u.id: _parts(mailbox.wait_for(1, to=u.email)[0])["text/plain"] for u in (tagged, everything, own)}
    assert by_tag.title in text[tagged.id] and quiet.title not in text[tagged.id]  # quiet product, even via a tag
    assert quiet.title in text[everything.id] and f"#answer-{answer.id}" in text[everything.id]
    assert mine.title not in text[own.id] and by_tag.title in text[own.id]
    assert older.title in text[tagged.id]  # still waiting for an answer
    assert digests.deliver_many([u.id for u in users], key) == {}  # once per period


def test_one_batch_writes_each_members_digest_in_their_own_language(mailbox):
    """What a batch words once (titles, subject lines, the templates' strings) is kept per language, not shared."""
    asked = make_question(title="Pump hums loudly at night", tags=["noise"])
    _at(Question, asked.id, IN_WINDOW)
    readers = {locale: member(follow=(("tag", "noise"),)) for locale in ("fr", "de", "en")}
    for locale, user in readers.items():
        user.locale = locale
    db.session.commit()
    english, french, german = readers["en"], readers["fr"], readers["de"]
    counts = digests.deliver_many([french.id, english.id, german.id], "daily:2026-03-02")
    assert set(counts.values()) == {1}
    expected = {
        french.id: ("Votre récapitulatif quotidien : 1 nouvelle question", "Nouvelles questions",
                    f"Bonjour {french.username}, voici votre récapitulatif quotidien"),
        german.id: ("Ihre tägliche Zusammenfassung: 1 neue Frage", "Neue Fragen",
                    f"Hallo {german.username}, hier ist Ihre tägliche Zusammenfassung"),
        english.id: ("Your daily digest: 1 new question", "New questions",
                     f"Hi {english.username}, here is your daily digest of what you follow."),
    }
    for user in (french, german, english):
        [message] = mailbox.wait_for(1, to=user.email)
        parts = _parts(message)
        subject, title, greeting = expected[user.id]
        assert message["Subject"] == subject
        for part in (parts["text/plain"], parts["text/html"]):
            assert title in part and greeting in part and asked.title in part
    assert "New questions" not in _parts(mailbox.wait_for(1, to=german.email)[0])["text/plain"]
    assert "Nouvelles questions" not in _parts(mailbox.wait_for(1, to=english.email)[0])["text/plain"]
