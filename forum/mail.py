"""Outgoing email: rendered from a .txt + .html template pair, sent with Flask-Mail over SMTP.

Without MAIL_SERVER nothing is sent: each message is written as an .eml file to MAIL_FOLDER
(default: "mail" in the instance folder) and a line is logged, so the embedded default shows
what would have gone out. Every list message (notifications, digests) carries a one-click
unsubscribe link (RFC 8058); transactional account mail (confirm your email, reset your
password) is rendered with `unsubscribe_url=None` and has neither the link nor the headers.
"""

import logging
import os
import re
import smtplib
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from email.utils import make_msgid
from urllib.parse import urlsplit

from flask import Flask, current_app, render_template
from flask_mail import BadHeaderError, Mail, Message

log = logging.getLogger(__name__)
mail = Mail()

SUBJECT_MAX = 140
_SPACE = re.compile(r"\s+")


class MailUnavailable(Exception):
    """The SMTP server could not take the message now (connection refused, 4xx); try later."""


def init_app(app: Flask) -> None:
    mail.init_app(app)


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    """User text made safe for a header: no control or line-separator characters, one line, bounded."""
    cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value or "")
    cleaned = _SPACE.sub(" ", cleaned).strip()
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"


@dataclass
class Email:
    """A message ready to send: both parts rendered, headers decided."""

    to: str
    subject: str
    text: str
    html: str
    unsubscribe_url: str | None
    headers: dict[str, str] = field(default_factory=dict)


def render(template: str, *, to: str, subject: str, unsubscribe_url: str | None, **context: object) -> Email:
    """Render email/<template>.txt and .html with the same context; the subject is made header-safe.

    `unsubscribe_url` None marks a transactional message: no List-Unsubscribe headers.
    """
    subject = header_text(subject)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url is not None:
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", **headers}
    context = {**context, "subject": subject, "unsubscribe_url": unsubscribe_url,
               "site_name": current_app.config["SITE_NAME"], "site_url": current_app.config["SITE_URL"]}
    return Email(
        to=to, subject=subject, unsubscribe_url=unsubscribe_url,
        text=render_template(f"email/{template}.txt", **context),
        html=render_template(f"email/{template}.html", **context),
        headers=headers,
    )


def _message(email: Email) -> Message:
    message = Message(subject=email.subject, recipients=[email.to], body=email.text, html=email.html,
                      extra_headers=dict(email.headers))
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    message.msgId = make_msgid(domain=domain)
    return message


def send(email: Email) -> None:
    """Hand one message to SMTP, or write it to the mail folder when no server is configured.

    Raises MailUnavailable for failures worth retrying (server down, temporary refusal);
    a permanently refused recipient is logged and dropped.
    """
    message = _message(email)
    if not current_app.config.get("MAIL_SERVER"):
        _write_to_folder(message, email)
        return
    try:
        mail.send(message)
    except BadHeaderError:
        log.error("mail to %s not sent: unsafe header", email.to)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if any(400 <= code < 500 for code in codes):
            raise MailUnavailable(str(exc)) from exc
        log.warning("mail to %s refused by the server: %s", email.to, exc.recipients)
    except (smtplib.SMTPException, OSError) as exc:
        raise MailUnavailable(str(exc)) from exc


def _write_to_folder(message: Message, email: Email) -> None:
    folder = current_app.config.get("MAIL_FOLDER") or os.path.join(current_app.instance_path, "mail")
    os.makedirs(folder, exist_ok=True)
    message.date = message.date or time.time()
    path = os.path.join(folder, f"{int(message.date)}-{uuid.uuid4().hex[:12]}.eml")
    with open(path, "wb") as out:
        out.write(message.as_bytes())
    log.info("mail not sent (MAIL_SERVER unset), written to %s: to=%s subject=%r", path, email.to, email.subject)
