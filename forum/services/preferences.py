"""What a member follows and which email they get, and signed unsubscribe links.

The member's side: README, "Notifications, email digests and feeds" and "Security".

Email is opt-in: a member without settings gets no email at all. Immediate email is chosen
per notification kind, and "quiet" products are never emailed about at all; the digest is
off, daily or weekly at 07:00 in the member's time zone and is made of what they follow
(products, tags, questions). Every email carries a signed link that turns off exactly the
kind of email it came with, and needs no sign-in.
"""

from dataclasses import dataclass
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import (
    DigestPeriod,
    EmailSubscription,
    Follow,
    MailSettings,
    NotificationKind,
    Product,
    Question,
    QuietProduct,
    Tag,
    User,
    utcnow,
)
from forum.parse import parse_id
from forum.policy import visibility
from forum.services import posts
from forum.services.errors import NotFound, ValidationFailed
from forum.transaction import savepoint

DIGEST = "digest"  # the unsubscribe "kind" of digest emails
UNSUBSCRIBE_SALT = "peercare.unsubscribe"
TARGETS = ("product", "tag", "question")


@cache
def time_zones() -> tuple[str, ...]:
    """Every IANA time zone name the system knows, sorted."""
    return tuple(sorted(available_timezones()))


def zone(name: str | None) -> ZoneInfo:
    """The member's zone; an unknown name falls back to UTC rather than failing a digest run."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@dataclass(frozen=True)
class Choices:
    digest: str
    time_zone: str
    email_kinds: frozenset[str]
    quiet_product_ids: frozenset[int] = frozenset()


def quiet_product_ids(user_id: int) -> frozenset[int]:
    """The products the member never wants email about."""
    return frozenset(db.session.scalars(select(QuietProduct.product_id).where(QuietProduct.user_id == user_id)))


def quiet_product_ids_of(user_ids: list[int]) -> dict[int, frozenset[int]]:
    """quiet_product_ids for many members in one query (members without any are left out)."""
    found: dict[int, set[int]] = {}
    for user_id, product_id in db.session.execute(
            select(QuietProduct.user_id, QuietProduct.product_id).where(QuietProduct.user_id.in_(user_ids))):
        found.setdefault(user_id, set()).add(product_id)
    return {user_id: frozenset(products) for user_id, products in found.items()}


def time_zone_of(user_id: int) -> str:
    """The member's time zone name (UTC until they pick one), for pages and messages written for them."""
    settings = db.session.get(MailSettings, user_id)
    return settings.time_zone if settings is not None and settings.time_zone else "UTC"


def choices(user_id: int) -> Choices:
    settings = db.session.get(MailSettings, user_id)
    kinds = frozenset(db.session.scalars(select(EmailSubscription.kind).where(EmailSubscription.user_id == user_id)))
    quiet = quiet_product_ids(user_id)
    if settings is None:
        return Choices(DigestPeriod.OFF.value, "UTC", kinds, quiet)
    return Choices(settings.digest, settings.time_zone, kinds, quiet)


def update_choices(user: User, *, digest: str, time_zone: str, email_kinds: set[str] | list[str],
                   quiet_products: set[int] | list[int] | None = None) -> Choices:
    """Save the member's email choices. Raises ValidationFailed for an unknown period, zone, kind or product.

    `quiet_products` (product ids) replaces the member's per-product opt-outs; None leaves them.
    """
    errors: dict[str, str] = {}
    if digest not in {p.value for p in DigestPeriod}:
        errors["digest"] = _("Choose off, daily or weekly.")
    if time_zone not in time_zones():
        errors["time_zone"] = _("Choose a time zone from the list, e.g. Europe/Berlin or UTC.")
    known = {k.value for k in NotificationKind}
    unknown = set(email_kinds) - known
    if unknown:
        errors["email_kinds"] = "Unknown kind of email: " + ", ".join(sorted(unknown))[:100]
    quiet = set(quiet_products) if quiet_products is not None else None
    if quiet and len(quiet) != len(db.session.scalars(select(Product.id).where(Product.id.in_(quiet))).all()):
        errors["quiet_products"] = _("Choose products from the list.")
    if errors:
        raise ValidationFailed(_("Please check your email choices."), fields=errors)
    settings = db.session.get(MailSettings, user.id)
    if settings is None:
        settings = MailSettings(user_id=user.id)
        db.session.add(settings)
    settings.digest, settings.time_zone, settings.updated_at = digest, time_zone, utcnow()
    wanted = set(email_kinds)
    current = set(db.session.scalars(select(EmailSubscription.kind).where(EmailSubscription.user_id == user.id)))
    if current - wanted:
        db.session.execute(delete(EmailSubscription).where(EmailSubscription.user_id == user.id,
                                                           EmailSubscription.kind.in_(current - wanted)))
    db.session.add_all(EmailSubscription(user_id=user.id, kind=kind) for kind in sorted(wanted - current))
    if quiet is not None:
        was_quiet = quiet_product_ids(user.id)
        if was_quiet - quiet:
            db.session.execute(delete(QuietProduct).where(QuietProduct.user_id == user.id,
                                                          QuietProduct.product_id.in_(was_quiet - quiet)))
        db.session.add_all(QuietProduct(user_id=user.id, product_id=pid) for pid in sorted(quiet - was_quiet))
    db.session.flush()
    return choices(user.id)


def wants_email(user_id: int, kind: str, *, product_id: int | None = None) -> bool:
    """Whether the member opted in to immediate email of this kind about this product.

    Deleted accounts never do; a product the member made quiet is never emailed about.
    """
    if product_id is not None and db.session.get(QuietProduct, (user_id, product_id)) is not None:
        return False
    return db.session.scalar(
        select(EmailSubscription.user_id).join(User, User.id == EmailSubscription.user_id)
        .where(EmailSubscription.user_id == user_id, EmailSubscription.kind == kind, visibility.member_clause())
    ) is not None


def email_wanted(pairs: list[tuple[int, str, int | None]]) -> set[tuple[int, str, int | None]]:
    """`wants_email` for many (member, kind, product) at once (two queries)."""
    if not pairs:
        return set()
    user_ids = {user_id for user_id, _kind, _product in pairs}
    subscribed = set(db.session.execute(
        select(EmailSubscription.user_id, EmailSubscription.kind).join(User, User.id == EmailSubscription.user_id)
        .where(EmailSubscription.user_id.in_(user_ids), visibility.member_clause())).tuples())
    if not subscribed:
        return set()
    quiet = set(db.session.execute(select(QuietProduct.user_id, QuietProduct.product_id)
                                   .where(QuietProduct.user_id.in_(user_ids))).tuples())
    return {(u, k, p) for u, k, p in pairs if (u, k) in subscribed and (p is None or (u, p) not in quiet)}


# --- following -------------------------------------------------------------------------------

def _target(kind: str, ref: str | int) -> Product | Tag | Question:
    if kind == "product":
        row = db.session.scalar(select(Product).where(Product.slug == str(ref)))
    elif kind == "tag":
        row = db.session.scalar(select(Tag).where(Tag.name == posts.canonical_name(str(ref))))
    elif kind == "question":
        row = db.session.get(Question, parse_id(ref)) if parse_id(ref) is not None else None
        if not visibility.is_live(row):
            row = None
    else:
        raise ValidationFailed(_("You can follow a product, a tag or a question."))
    if row is None:
        raise NotFound(_("No such %(kind)s.", kind=kind))
    return row


def follow(user: User, kind: str, ref: str | int) -> Follow:
    """Follow a product (by slug), tag (by name) or question (by id); following twice changes nothing."""
    target = _target(kind, ref)
    column = getattr(Follow, f"{kind}_id")
    existing = db.session.scalar(select(Follow).where(Follow.user_id == user.id, column == target.id))
    if existing is not None:
        return existing
    row = Follow(user_id=user.id, **{f"{kind}_id": target.id})
    try:
        with savepoint():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:  # the same member following twice at once: the other request won
        return db.session.scalar(select(Follow).where(Follow.user_id == user.id, column == target.id))
    return row


def unfollow(user: User, kind: str, ref: str | int) -> None:
    """Stop following; not following is not an error."""
    target = _target(kind, ref)
    column = getattr(Follow, f"{kind}_id")
    db.session.execute(delete(Follow).where(Follow.user_id == user.id, column == target.id))
    db.session.flush()


def followed_keys(user_id: int | None) -> frozenset[tuple[str, int]]:
    """("product", id), ("tag", id) and ("question", id) pairs the member follows, in one query."""
    if user_id is None:
        return frozenset()
    rows = db.session.execute(select(Follow.product_id, Follow.tag_id, Follow.question_id)
                              .where(Follow.user_id == user_id))
    keys = set()
    for product_id, tag_id, question_id in rows:
        for kind, value in (("product", product_id), ("tag", tag_id), ("question", question_id)):
            if value is not None:
                keys.add((kind, value))
    return frozenset(keys)


@dataclass
class Following:
    products: list[Product]
    tags: list[Tag]
    questions: list[Question]


def following(user_id: int, *, viewer: User | None = None) -> Following:
    """What the member follows, in three queries: the questions `viewer` may see (the preferences
    page passes the member, so a question hidden since it was followed isn't linked), or without
    a viewer every question that still exists (the member's data export)."""
    products = list(db.session.scalars(select(Product).join(Follow, Follow.product_id == Product.id)
                                       .where(Follow.user_id == user_id).order_by(Product.name)))
    tags = list(db.session.scalars(select(Tag).join(Follow, Follow.tag_id == Tag.id)
                                   .where(Follow.user_id == user_id).order_by(Tag.name)))
    shown = visibility.question_clause(viewer) if viewer is not None else visibility.live(Question)
    questions = list(db.session.scalars(select(Question).join(Follow, Follow.question_id == Question.id)
                                        .where(Follow.user_id == user_id, shown)
                                        .order_by(Follow.created_at.desc())))
    return Following(products, tags, questions)


# --- one-click unsubscribe -------------------------------------------------------------------

def _serializer() -> URLSafeSerializer:
    return _serializer_for(current_app.config["SECRET_KEY"])


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    """One serializer per key: a digest run signs a token for every member."""
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    """A signed token naming one member and one kind of email (a notification kind or "digest")."""
    return _serializer().dumps([user_id, kind])


@dataclass(frozen=True)
class Unsubscribe:
    user: User
    kind: str
    changed: bool

    @property
    def label(self) -> str:
        return _("Digest emails") if self.kind == DIGEST else NotificationKind.label_of(self.kind)


def read_unsubscribe_token(token: str) -> tuple[User, str]:
    """The member and kind a token names. Raises NotFound for a tampered or unknown token."""
    try:
        user_id, kind = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise NotFound("This unsubscribe link is not valid. Please use the link from the email, "
                       "or change your email settings after signing in.") from exc
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or (kind != DIGEST and kind not in {k.value for k in NotificationKind}):
        raise NotFound(_("This unsubscribe link is not valid."))
    return user, kind


def is_subscribed(user_id: int, kind: str) -> bool:
    if kind == DIGEST:
        settings = db.session.get(MailSettings, user_id)
        return settings is not None and settings.digest != DigestPeriod.OFF
    return db.session.get(EmailSubscription, (user_id, kind)) is not None


def unsubscribe(token: str) -> Unsubscribe:
    """Turn off the kind of email the token names. Idempotent: a second use changes nothing."""
    user, kind = read_unsubscribe_token(token)
    changed = is_subscribed(user.id, kind)
    if kind == DIGEST:
        settings = db.session.get(MailSettings, user.id)
        if settings is not None and settings.digest != DigestPeriod.OFF:
            settings.digest, settings.updated_at = DigestPeriod.OFF.value, utcnow()
    else:
        db.session.execute(delete(EmailSubscription).where(EmailSubscription.user_id == user.id,
                                                           EmailSubscription.kind == kind))
    db.session.flush()
    return Unsubscribe(user, kind, changed)


def forget(user_id: int) -> None:
    """Drop a deleted member's follows and email choices (inside the caller's transaction)."""
    for model in (Follow, EmailSubscription, MailSettings, QuietProduct):
        db.session.execute(delete(model).where(model.user_id == user_id))
