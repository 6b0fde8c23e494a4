"""The admin's site name and logo, and the registration and email options (issue 19, item 13):
each is stored in the database, changes what the site does, and is audit-logged."""

from sqlalchemy import select

from forum import mail
from forum.extensions import db
from forum.models import AuditLogEntry, MailSettings, PendingSignUp, Role, User
from forum.services import accounts, questions
from forum.transaction import unit_of_work
from tests.conftest import login
from tests.factories import PASSWORD, make_product, make_tags, make_user, sign_up

REGISTRATION = {"registration": "open", "allowed_domains": "", "digest_default": "off", "mail_from_name": ""}


def _admin(client):
    login(client, make_user(role=Role.ADMIN))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditLogEntry.action).order_by(AuditLogEntry.id)))


def test_the_site_name_and_logo_show_in_the_header_and_mail(client, app):
    _admin(client)
    assert 'href="/admin/site"' in client.get("/admin").get_data(as_text=True)
    r = client.post("/admin/site/identity", data={"name": "Northwind Community", "logo_url": "http://x.example/l.png"})
    assert r.status_code == 422 and "https:// address of an image" in r.get_data(as_text=True)
    r = client.post("/admin/site/identity", data={"name": "Northwind Community",
                                                  "logo_url": "https://cdn.example/logo.png"})
    assert r.status_code == 302
    client.post("/logout")
    home = client.get("/").get_data(as_text=True)
    assert '<img class="site-name__logo" src="https://cdn.example/logo.png" alt="" height="32">Northwind Community' in home
    assert "<title>" in home and "Northwind Community</title>" in home
    with app.test_request_context():
        message = mail.render("sign_up", to="someone@example.com", subject="Finish signing up", unsubscribe_url=None,
                              username="someone", link="https://x.example/finish", hours="48 hours")
    assert "Northwind Community" in message.text
    assert _actions() == ["settings.site"]


def test_closed_registration_refuses_sign_ups_and_hides_the_link(client):
    _admin(client)
    assert client.post("/admin/site/registration", data={**REGISTRATION, "registration": "closed"}).status_code == 302
    client.post("/logout")
    assert ">Register</a>" not in client.get("/").get_data(as_text=True)
    page = client.get("/register")
    assert "Registration is closed" in page.get_data(as_text=True) and 'name="password"' not in page.get_data(as_text=True)
    r = client.post("/register", data={"username": "newbie", "email": "newbie@example.com", "password": PASSWORD})
    assert r.status_code == 403
    assert db.session.scalar(select(PendingSignUp.id)) is None
    assert _actions() == ["settings.registration"]


def test_a_sign_up_link_sent_before_closing_no_longer_creates_an_account(client):
    from forum.services import account_email

    client.post("/register", data={"username": "early_bird", "email": "early@example.com", "password": PASSWORD})
    pending = db.session.scalar(select(PendingSignUp))
    _admin(client)
    client.post("/admin/site/registration", data={**REGISTRATION, "registration": "closed"})
    client.post("/logout")
    r = client.post(f"/register/finish/{account_email.sign_up_token(pending)}")
    assert r.status_code == 403
    assert accounts.find_by_username("early_bird") is None


def test_allowed_domains_limit_who_may_sign_up(client):
    _admin(client)
    r = client.post("/admin/site/registration", data={**REGISTRATION, "allowed_domains": "not a domain"})
    assert r.status_code == 422 and "is not a domain" in r.get_data(as_text=True)
    client.post("/admin/site/registration", data={**REGISTRATION, "allowed_domains": "northwind.example\n@Partner.example"})
    client.post("/logout")
    r = client.post("/register", data={"username": "outsider", "email": "outsider@gmail.example", "password": PASSWORD})
    assert r.status_code == 422
    assert "Sign-ups are limited to addresses at northwind.example, partner.example." in r.get_data(as_text=True)
    assert sign_up(client, "insider", "insider@partner.example").status_code == 302
    assert accounts.find_by_username("insider") is not None


def test_new_members_start_with_the_admins_digest_choice(client):
    _admin(client)
    client.post("/admin/site/registration", data={**REGISTRATION, "digest_default": "weekly"})
    client.post("/logout")
    sign_up(client, "digest_reader", "digest@example.com")
    user = accounts.find_by_username("digest_reader")
    assert db.session.get(MailSettings, user.id).digest == "weekly"
    assert client.post("/admin/site/registration", data={**REGISTRATION, "digest_default": "hourly"}).status_code != 302


def test_the_from_name_changes_the_sender_but_not_the_address(client, app):
    _admin(client)
    client.post("/admin/site/registration", data={**REGISTRATION, "mail_from_name": "Northwind Support Forum"})
    with app.test_request_context():
        assert mail.sender() == "Northwind Support Forum <community@localhost>"
    r = client.post("/admin/site/registration", data={**REGISTRATION, "mail_from_name": "Evil <x@y>"})
    assert r.status_code == 422


def test_requiring_email_confirmation_is_an_admin_switch(client, app):
    make_product()
    make_tags("offline")
    unconfirmed = make_user("nadia_r")
    assert not app.config["REQUIRE_EMAIL_CONFIRMATION"]
    _admin(client)
    client.post("/admin/site/registration", data={**REGISTRATION, "require_email_confirmation": "on"})
    client.post("/logout")
    login(client, unconfirmed)
    refused = client.post("/questions/ask", data={"title": "Does the hub work without the cloud?", "tags": "offline",
                                                  "body": "I want to keep the schedule local; is that supported?",
                                                  "product": "thermostat"})
    assert refused.status_code == 403 and "confirm your email address" in refused.get_data(as_text=True)
    with unit_of_work():
        db.session.get(User, unconfirmed.id).email_confirmed_at = db.func.now()
    db.session.expire_all()
    with unit_of_work():
        assert questions.ask(db.session.get(User, unconfirmed.id), title="Does the hub work without the cloud?",
                             body="I want to keep the schedule local; is that supported?", tags="offline",
                             product="thermostat").id


def test_only_admins_change_the_site_settings(client):
    login(client, make_user(role=Role.MODERATOR))
    assert client.get("/admin/site").status_code == 403
    assert client.post("/admin/site/identity", data={"name": "Mine now"}).status_code == 403
    assert client.post("/admin/site/registration", data={**REGISTRATION, "registration": "closed"}).status_code == 403
    assert _actions() == []
