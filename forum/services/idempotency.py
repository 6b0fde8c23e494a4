"""Safe retries: the first response to a POST sent with an Idempotency-Key, per token, kept 24 hours.

A client that lost the answer to a POST (a timeout, a dropped connection) sends it again with
the same key and gets the first response back instead of a second question, answer or case.
Only successful responses are kept: a refused request changed nothing, so it may run again.
"""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import IdempotencyKey, utcnow
from forum.services.errors import Conflict, ValidationFailed
from forum.transaction import unit_of_work

KEEP = timedelta(hours=24)
HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"


@dataclass(frozen=True)
class Stored:
    status: int
    body: str


def fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def check_key(key: str) -> str:
    if not re.fullmatch(KEY_PATTERN, key):
        raise ValidationFailed(_("%(header)s is 1–200 visible ASCII characters, e.g. a UUID.", header=HEADER),
                               fields={HEADER: "1–200 visible ASCII characters."})
    return key


def replay(token_id: int, key: str, request_hash: str) -> Stored | None:
    """The stored response for this token and key, if the same request was answered within 24 hours."""
    row = db.session.scalar(select(IdempotencyKey).where(
        IdempotencyKey.token_id == token_id, IdempotencyKey.key == key, IdempotencyKey.created_at > utcnow() - KEEP))
    if row is None:
        return None
    if row.request_hash != request_hash:
        raise Conflict(_("This %(header)s was already used for a different request; use a new key.", header=HEADER))
    return Stored(row.status, row.body)


def remember(token_id: int, key: str, request_hash: str, status: int, body: str) -> None:
    """Keep a successful response (a concurrent retry that stored first wins) and drop expired ones."""
    try:
        with unit_of_work():
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at <= utcnow() - KEEP))
            db.session.add(IdempotencyKey(token_id=token_id, key=key, request_hash=request_hash, status=status,
                                          body=body))
    except IntegrityError:
        db.session.rollback()
