"""The bytes PeerCare writes for a message are the ones flask_mail's Message (the email package) writes."""

import email
import email.policy
import re

import pytest
from flask_mail import Message

from forum import mail

UNSUBSCRIBE = "http://localhost/unsubscribe/WzE0NiwiZGlnZXN0Il0.HdY_uxkdHlIF-0fG2X6QExrPYKg"
LIST_HEADERS = {"List-Unsubscribe": f"<{UNSUBSCRIBE}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated"}

CASES = [
    ("Your daily digest: 3 new questions", "Hi member1\n* A title\n  http://localhost/q/1\n", "<p>Hi</p>\n",
     LIST_HEADERS),
    ("Your weekly digest: 15+ new questions, 15+ new answers, 3 new articles",  # folded (over 78 characters)
     "Two\r\nline ends\rand a lone CR\n\nFrom the start of a line\n" + "x" * 1200, "<p>no final newline</p>",
     LIST_HEADERS),
    ("lena_mod answered your question “Thermostat shows E4 after the update”",  # encoded words
     "Grüße aus Köln — ✓\n", "<p>Grüße</p>\n<p>\u2028 stays</p>\n", LIST_HEADERS),
    ("Confirm your email address", "Transactional mail has no list headers.\n", "<p>ok</p>",
     {"Auto-Submitted": "auto-generated"}),
    ("", "No subject at all", "", {"Auto-Submitted": "auto-generated"}),
]


def _boundaries(raw: bytes) -> list[str]:
    return re.findall(r'boundary="([^"]+)"', raw.decode("utf-8"))


@pytest.mark.parametrize(("subject", "text", "html", "headers"), CASES)
def test_written_message_is_byte_for_byte_what_the_email_package_writes(app, subject, text, html, headers):
    with app.test_request_context():
        outgoing = mail._message(mail.Email(to="member1@example.com", subject=subject, text=text, html=html,
                                            unsubscribe_url=UNSUBSCRIBE if "List-Unsubscribe" in headers else None,
                                            headers=dict(headers)))
        outgoing.date = 1_764_600_000.0
        ours = outgoing.as_bytes()
        reference = Message(subject=subject, recipients=["member1@example.com"], body=text, html=html,
                            extra_headers=dict(headers), date=outgoing.date)
        reference.msgId = outgoing.msgId
        built = reference._message()
        outer, inner = _boundaries(ours)
        built.set_boundary(outer)
        built.get_payload()[0].set_boundary(inner)
        theirs = built.as_bytes()
    expected = theirs
    if "List-Unsubscribe" in headers:
        # The one deliberate difference: the email package writes this long header as encoded words.
        folded = re.search(rb"List-Unsubscribe: .*?\r\n(?! )", theirs, re.S).group(0)
        assert folded.startswith(b"List-Unsubscribe: =?utf-8?q?")
        expected = theirs.replace(folded, f"List-Unsubscribe: <{UNSUBSCRIBE}>\r\n".encode())
    assert ours == expected
    parsed, reparsed = (email.message_from_bytes(raw, policy=email.policy.default) for raw in (ours, theirs))
    assert parsed.items() == reparsed.items()


def test_list_unsubscribe_is_the_plain_url_a_provider_reads(app):
    """RFC 2369 / 8058: `List-Unsubscribe: <https://…>` as is, never as encoded words, however long."""
    long_url = UNSUBSCRIBE + "x" * 150
    with app.test_request_context():
        raw = mail._message(mail.Email(to="member1@example.com", subject="Digest", text="t", html="h",
                                       unsubscribe_url=long_url,
                                       headers={**LIST_HEADERS, "List-Unsubscribe": f"<{long_url}>"})).as_bytes()
    assert f"\r\nList-Unsubscribe: <{long_url}>\r\n".encode() in raw
