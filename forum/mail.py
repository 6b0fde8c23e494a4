"""Outgoing email: rendered from a .txt + .html template pair, sent with Flask-Mail over SMTP.

Without MAIL_SERVER nothing is sent: each message is written as an .eml file to MAIL_FOLDER
(default: "mail" in the instance folder) and a line is logged, so the embedded default shows
what would have gone out. Every list message (notifications, digests) carries a one-click
unsubscribe link (RFC 8058); transactional account mail (confirm your email, reset your
password) is rendered with `unsubscribe_url=None` and has neither the link nor the headers.
"""

import functools
import logging
import os
import random
import re
import smtplib
import sys
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import urlsplit

from flask import Flask, current_app
from flask_babel import force_locale, get_locale, get_translations
from flask_mail import BadHeaderError, Mail, sanitize_address, sanitize_subject
from jinja2 import Environment, pass_context
from jinja2.defaults import DEFAULT_NAMESPACE
from markupsafe import Markup

from forum import times
from forum.models import DEFAULT_LANGUAGE, Language
from forum.services import preferences, settings

log = logging.getLogger(__name__)
mail = Mail()

SUBJECT_MAX = 140
_SPACE = re.compile(r"\s+")


class MailUnavailable(Exception):
    """The SMTP server could not take the message now (connection refused, 4xx); try later."""


@contextmanager
def written_for(user, *, time_zone: str | None = None) -> Iterator[None]:
    """Render what is inside in the recipient's language and time zone, whichever request or worker sends it.

    A member without a language of their own reads the site default (the browser that would have
    chosen for them is not there when mail goes out).
    """
    language = Language.of(user.locale) or Language.of(settings.default_locale()) or DEFAULT_LANGUAGE
    zone = preferences.zone(time_zone or preferences.time_zone_of(user.id))  # a batch passes the zone it read
    with force_locale(language.value), times.in_zone(zone):
        yield


def init_app(app: Flask) -> None:
    mail.init_app(app)


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    """User text made safe for a header: no control or line-separator characters, one line, bounded."""
    cleaned = value or ""
    if not cleaned.isprintable():  # printable text has none of those (the usual case: no scan per character)
        cleaned = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in cleaned)
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


_I18N_GLOBALS = ("_", "gettext", "ngettext", "pgettext", "npgettext", "html_lang", "html_dir")


def templates() -> Environment:
    """The Jinja environment mail is rendered in: the app's templates, filters and translations, without
    the request's globals and context processors (url_for, request, session, the current user: a
    message is written for its recipient, whoever's request or task sends it).

    Rendering copies an environment's globals into every template context; the app's fifty-odd made
    that a fifth of a digest's rendering.
    """
    env = current_app.extensions.get("peercare_mail_templates")
    if env is None:
        env = current_app.jinja_env.overlay()
        env.globals = {**DEFAULT_NAMESPACE, **{name: current_app.jinja_env.globals[name] for name in _I18N_GLOBALS}}
        current_app.extensions["peercare_mail_templates"] = env
    return env


class Fragments:
    """Pieces of many messages (the items of a list) rendered once and reused.

    `template` names a pair email/<template>.html and .txt that each define a macro `item(item)`.
    `here()` gives the pieces in the current language (each recipient reads their own): its
    `html(items)` and `text(items)` are the joined pieces for a message's context, and
    `worded(key, make)` keeps any other piece that depends only on the language (a section title,
    a subject line made of counts). Items are remembered by identity (and kept, so an id stays
    theirs): a batch passes the same objects to the messages that share them.
    """

    def __init__(self, template: str) -> None:
        env = templates()
        self._html_item = env.get_template(f"email/{template}.html").module.item
        self._text_item = env.get_template(f"email/{template}.txt").module.item
        self._languages: dict[str, _Pieces] = {}

    def here(self) -> "_Pieces":
        """The pieces in the current language, looked up once per message rather than at every list."""
        language = str(get_locale())
        pieces = self._languages.get(language)
        if pieces is None:
            pieces = self._languages[language] = _Pieces(self._html_item, self._text_item)
        return pieces


class _Pieces:
    """One language's share of a Fragments."""

    def __init__(self, html_item: Callable, text_item: Callable) -> None:
        self._html_item, self._text_item = html_item, text_item
        self._done: dict[int, tuple[object, str, str]] = {}  # {id(item): (item, html, text)}
        self._worded: dict[object, str] = {}

    def worded(self, key: object, make: Callable[[], str]) -> str:
        """`make()`, made once per `key` (a hashable that says what it is)."""
        text = self._worded.get(key)
        if text is None:
            text = self._worded[key] = make()
        return text

    def _parts(self, items: Iterable[object]) -> list[tuple[object, str, str]]:
        done, parts = self._done, []
        for item in items:
            part = done.get(id(item))
            if part is None or part[0] is not item:
                part = done[id(item)] = (item, self._html_item(item), self._text_item(item))
            parts.append(part)
        return parts

    def html(self, items: Iterable[object]) -> Markup:
        return Markup().join([part[1] for part in self._parts(items)])  # the macro's escaped output

    def text(self, items: Iterable[object]) -> str:
        return "".join([part[2] for part in self._parts(items)])


_catalogs: dict[str, tuple[object, dict[str, Callable]]] = {}


def _translating() -> dict[str, Callable]:
    """The templates' `gettext` and `ngettext` (what `_()` and `{% trans %}` call) bound to the current language.

    The same as Flask-Babel's (newstyle: formatted, Markup when autoescaping), except that the catalog is
    looked up once per message instead of at every string through the request globals, which was a
    fifth of a digest's rendering. Kept per language, made again when Flask-Babel loads a new catalog.
    """
    translations = get_translations()
    language = str(get_locale())
    known = _catalogs.get(language)
    if known is not None and known[0] is translations:
        return known[1]

    @pass_context
    def gettext(context, string: str, **variables: object) -> str:
        text = translations.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704 - catalog text, as Jinja's

    @pass_context
    def ngettext(context, singular: str, plural: str, num: int, **variables: object) -> str:
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables  # noqa: S704 - catalog text, as Jinja's

    callables = {"gettext": gettext, "ngettext": ngettext}
    _catalogs[language] = (translations, callables)
    return callables


def render(template: str, *, to: str, subject: str, unsubscribe_url: str | None, **context: object) -> Email:
    """Render email/<template>.txt and .html with the same context; the subject is made header-safe.

    `unsubscribe_url` None marks a transactional message: no List-Unsubscribe headers.
    """
    env = templates()
    subject = header_text(subject)
    headers = {"Auto-Submitted": "auto-generated"}
    if unsubscribe_url is not None:
        headers = {"List-Unsubscribe": f"<{unsubscribe_url}>",
                   "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", **headers}
    context = {**context, **_translating(), "subject": subject, "unsubscribe_url": unsubscribe_url,
               "site_name": settings.site_identity().name, "site_url": current_app.config["SITE_URL"]}
    return Email(
        to=to, subject=subject, unsubscribe_url=unsubscribe_url,
        text=env.get_template(f"email/{template}.txt").render(context),
        html=env.get_template(f"email/{template}.html").render(context),
        headers=headers,
    )


_NEWLINES = re.compile(r"\r\n|\r|\n")
_FOLD_AT = 78  # policy.SMTP's max_line_length: a longer header line is refolded
_NO_LINE_BREAK = re.compile(r"[^\r\n\v\f\x1c-\x1e\x85\u2028\u2029]*")  # what str.splitlines splits on


@functools.lru_cache(maxsize=4096)
def _folded(name: str, value: str) -> bytes:
    """What the email package writes for a header that does not fit one line (cached: subjects repeat)."""
    return policy.SMTP.fold_binary(name, value)


def _header(name: str, value: str) -> bytes:
    if len(name) + 2 + len(value) <= _FOLD_AT and _NO_LINE_BREAK.fullmatch(value):
        return f"{name}: {value}\r\n".encode("ascii")
    return _folded(name, value)


def _text_part(subtype: str, text: str) -> bytes:
    body = (_NEWLINES.sub("\r\n", text).encode("utf-8") if "\r" in text
            else text.encode("utf-8").replace(b"\n", b"\r\n"))
    encoding = "7bit" if body.isascii() else "8bit"
    return (f'Content-Type: text/{subtype}; charset="utf-8"\r\nMIME-Version: 1.0\r\n'
            f"Content-Transfer-Encoding: {encoding}\r\n\r\n").encode("ascii") + body


def _boundary(*parts: bytes) -> str:
    """A boundary in the email package's format that no part contains."""
    while True:
        boundary = "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="
        marker = b"--" + boundary.encode("ascii")
        if not any(marker in part for part in parts):
            return boundary


class _Outgoing:
    """One message for flask_mail's Connection.send, its bytes written here rather than by the email package.

    Byte for byte what flask_mail's Message writes for the one shape PeerCare sends (multipart/mixed
    around a text/plain and a text/html alternative, utf-8, 8bit when not ASCII, CRLF lines, the
    same header order, folding and encoded words), except List-Unsubscribe: the email package turns
    that long header into encoded words, which mail providers do not read as the RFC 2369 `<URL>`
    their one-click unsubscribe needs, so it is written unfolded on one line. Writing it directly
    costs a fraction of the email package's generator, which parses every long header back through
    its header registry and searches the whole text for each boundary.
    """

    def __init__(self, email: Email, sender: str, domain: str) -> None:
        self.mail_options: list[str] = []
        self.rcpt_options: list[str] = []
        self.email = email
        self.sender = sender
        self.subject = email.subject
        self.recipients = [email.to]
        self.send_to = {email.to}
        self.date: float | None = None
        self.msgId = make_msgid(domain=domain)

    def has_bad_headers(self) -> bool:
        return any(ch in value for value in (self.sender, self.email.to, self.subject) for ch in "\r\n")

    def as_bytes(self) -> bytes:
        email = self.email
        text, html = _text_part("plain", email.text), _text_part("html", email.html)
        inner = _boundary(text, html)
        alternative = (f'Content-Type: multipart/alternative;\r\n boundary="{inner}"\r\nMIME-Version: 1.0\r\n'
                       f"\r\n--{inner}\r\n").encode("ascii") + text + \
            f"\r\n--{inner}\r\n".encode("ascii") + html + f"\r\n--{inner}--\r\n".encode("ascii")
        outer = _boundary(alternative)
        head = [_header("Content-Type", f'multipart/mixed; boundary="{outer}"'), b"MIME-Version: 1.0\r\n"]
        if email.subject:
            head.append(_header("Subject", sanitize_subject(email.subject)))
        head += [_header("From", _address(self.sender)), _header("To", _address(email.to)),
                 _header("Date", formatdate(self.date, localtime=True)), _header("Message-ID", self.msgId)]
        for name, value in email.headers.items():
            if name == "List-Unsubscribe" and value.isascii() and _NO_LINE_BREAK.fullmatch(value):
                head.append(f"{name}: {value}\r\n".encode("ascii"))
            else:
                head.append(_header(name, value))
        return b"".join(head) + f"\r\n--{outer}\r\n".encode("ascii") + alternative + \
            f"\r\n--{outer}--\r\n".encode("ascii")


_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")


def _address(address: str) -> str:
    """flask_mail's sanitize_address, which returns a plain ASCII dot-atom address unchanged."""
    if _PLAIN_ADDRESS.fullmatch(address):
        return address
    return _named_address(address)


@functools.lru_cache(maxsize=256)
def _named_address(address: str) -> str:
    return sanitize_address(address, "utf-8")


def sender() -> str:
    """The From of every message: MAIL_DEFAULT_SENDER's address, under the admin's From name if one is set."""
    configured = current_app.extensions["mail"].default_sender
    name = settings.registration_options().mail_from_name
    return formataddr((name, parseaddr(configured)[1])) if name else configured


def _message(email: Email) -> _Outgoing:
    domain = urlsplit(current_app.config["SITE_URL"]).hostname or "localhost"
    return _Outgoing(email, sender(), domain)


def send(email: Email) -> None:
    """Hand one message to SMTP, or write it to the mail folder when no server is configured.

    Raises MailUnavailable for failures worth retrying (server down, temporary refusal);
    a permanently refused recipient is logged and dropped.
    """
    with sending() as send_one:
        send_one(email)


@contextmanager
def sending() -> Iterator[Callable[[Email], None]]:
    """A `send` for many messages that share one SMTP connection (a digest batch).

    Same rules as `send` for each message; MailUnavailable when the server cannot be reached or
    refuses for now, after which the caller stops using it.
    """
    if not current_app.config.get("MAIL_SERVER"):
        folder = current_app.config.get("MAIL_FOLDER") or os.path.join(current_app.instance_path, "mail")
        os.makedirs(folder, exist_ok=True)
        yield lambda email: _write_to_folder(_message(email), email, folder)
        return
    try:
        connection = mail.connect().__enter__()
    except (smtplib.SMTPException, OSError) as exc:
        raise MailUnavailable(str(exc)) from exc

    def send_one(email: Email) -> None:
        try:
            connection.send(_message(email))
        except BadHeaderError:
            log.error("mail to %s not sent: unsafe header", email.to)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if any(400 <= code < 500 for code in codes):
                raise MailUnavailable(str(exc)) from exc
            log.warning("mail to %s refused by the server: %s", email.to, exc.recipients)
        except (smtplib.SMTPException, OSError) as exc:
            raise MailUnavailable(str(exc)) from exc

    try:
        yield send_one
    finally:
        try:
            if connection.host is not None:
                connection.host.quit()
        except (smtplib.SMTPException, OSError):
            log.info("SMTP connection closed by the server before QUIT")


def _write_to_folder(message: _Outgoing, email: Email, folder: str) -> None:
    message.date = message.date or time.time()
    path = os.path.join(folder, f"{int(message.date)}-{uuid.uuid4().hex[:12]}.eml")
    with open(path, "wb") as out:
        out.write(message.as_bytes())
    log.info("mail not sent (MAIL_SERVER unset), written to %s: to=%s subject=%r", path, email.to, email.subject)
