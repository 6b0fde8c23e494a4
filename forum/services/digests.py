"""Email digests (DESIGN §8): daily at 07:00 in the member's time zone, or weekly on Monday.

A digest is made of what the member follows: new questions in followed products and tags,
new answers to followed questions, older questions there still waiting for an answer, and
whatever other features add with `@section(...)`. Nothing is sent when nothing is new.

Delivery fans out the Discourse way: `due()` pages through the members whose 07:00 has come
(in batches, a fixed number of queries per batch), the caller enqueues one `send_digest`
task per member, and `deliver()` claims a unique DigestDelivery(user_id, period) row before
the mail goes out, so a retried or duplicated task never sends twice.

Another feature adds a section by registering a builder, for example release notes:

    @digests.section("releases", "New releases")
    def new_releases(reader: digests.Reader) -> list[digests.Item]:
        ...published between reader.since and reader.until in reader.product_ids / reader.tag_ids...

A builder gets the member's follows and the period's window and returns, newest first, at
most ITEMS_PER_SECTION + 1 items (one more says "and more") with a constant number of queries.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, distinct, exists, or_, select
from sqlalchemy.exc import IntegrityError

from forum.extensions import db
from forum.models import (
    Answer,
    Article,
    ArticleState,
    DigestDelivery,
    DigestPeriod,
    Follow,
    MailSettings,
    Product,
    Question,
    User,
    article_tags,
    question_tags,
    utcnow,
)
from forum.services import mail, preferences
from forum.services.errors import ValidationFailed
from forum.templating import slugify

DIGEST_HOUR = 7
MONDAY = 0
BATCH = 1000
ITEMS_PER_SECTION = 15
UNANSWERED_LOOKBACK = timedelta(days=30)
PERIOD_WORDS = {DigestPeriod.DAILY: "daily", DigestPeriod.WEEKLY: "weekly"}


@dataclass(frozen=True)
class Reader:
    """Who the digest is for and what it covers: [since, until) in naive UTC."""

    user_id: int
    since: datetime
    until: datetime
    product_ids: frozenset[int]
    tag_ids: frozenset[int]
    question_ids: frozenset[int]
    link: Callable[..., str]
    quiet_product_ids: frozenset[int] = frozenset()  # the member wants no email about these

    @property
    def follows_anything(self) -> bool:
        return bool(self.product_ids or self.tag_ids or self.question_ids)


@dataclass(frozen=True)
class Item:
    title: str
    url: str
    meta: str
    when: datetime


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    items: list[Item]
    new: bool
    more: bool = False  # there were more than ITEMS_PER_SECTION


@dataclass
class Digest:
    period: str
    key: str
    since: datetime
    until: datetime
    sections: list[Section] = field(default_factory=list)

    @property
    def new_count(self) -> int:
        return sum(len(s.items) for s in self.sections if s.new)

    @property
    def word(self) -> str:
        return PERIOD_WORDS.get(DigestPeriod(self.period), self.period)


Builder = Callable[[Reader], list[Item]]


@dataclass(frozen=True)
class SectionSpec:
    title: str
    new: bool
    nouns: tuple[str, str]  # ("new answer", "new answers"): how the subject line counts the items
    build: Builder


_sections: dict[str, SectionSpec] = {}


def section(key: str, title: str, *, new: bool = True,
            nouns: tuple[str, str] | None = None) -> Callable[[Builder], Builder]:
    """Register a digest section. Only `new` sections decide whether there is anything to send."""

    def register(fn: Builder) -> Builder:
        _sections[key] = SectionSpec(title, new, nouns or (title.lower(), title.lower()), fn)
        return fn

    return register


# --- periods ---------------------------------------------------------------------------------

def period_key(period: str, local: datetime) -> str:
    """ "daily:2026-11-23" or "weekly:2026-W48" for the member's local date."""
    if period == DigestPeriod.DAILY:
        return f"daily:{local.date().isoformat()}"
    year, week, _ = local.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def _utc(day: date, tz) -> datetime:
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def parse_key(key: str) -> tuple[str, date]:
    """The period and the local day its digest goes out on. Raises ValidationFailed when malformed."""
    period, _, stamp = (key or "").partition(":")
    try:
        if period == DigestPeriod.DAILY:
            return period, date.fromisoformat(stamp)
        if period == DigestPeriod.WEEKLY:
            year, week = stamp.split("-W")
            return period, date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        pass
    raise ValidationFailed(f"Not a digest period: {key[:40]!r}.")


def window(key: str, time_zone: str) -> tuple[datetime, datetime]:
    """The [since, until) UTC window a digest covers: the previous period's 07:00 to this one's."""
    period, day = parse_key(key)
    tz = preferences.zone(time_zone)
    step = timedelta(days=1 if period == DigestPeriod.DAILY else 7)
    return _utc(day - step, tz), _utc(day, tz)


# --- who is due --------------------------------------------------------------------------------

def due(now: datetime | None = None, *, batch: int = BATCH) -> Iterator[list[tuple[int, str]]]:
    """Batches of (user_id, period key) whose digest is due at `now` (naive UTC) and not yet handled.

    Due means: digest daily (or weekly and it is Monday) and it is 07:xx in their time zone,
    the account is live, they follow something and have no DigestDelivery for the period.
    """
    aware = (now or utcnow()).replace(tzinfo=UTC)
    groups: dict[tuple[str, str], list[str]] = {}
    zones = db.session.scalars(select(distinct(MailSettings.time_zone))
                               .where(MailSettings.digest != DigestPeriod.OFF.value))
    for name in list(zones):
        local = aware.astimezone(preferences.zone(name))
        if local.hour != DIGEST_HOUR:
            continue
        groups.setdefault((DigestPeriod.DAILY.value, period_key(DigestPeriod.DAILY, local)), []).append(name)
        if local.weekday() == MONDAY:
            groups.setdefault((DigestPeriod.WEEKLY.value, period_key(DigestPeriod.WEEKLY, local)), []).append(name)
    for (period, key), names in sorted(groups.items()):
        after = 0
        while True:
            ids = list(db.session.scalars(
                select(MailSettings.user_id).join(User, User.id == MailSettings.user_id)
                .where(MailSettings.digest == period, MailSettings.time_zone.in_(names), User.deleted_at.is_(None),
                       MailSettings.user_id > after,
                       exists().where(Follow.user_id == MailSettings.user_id),
                       ~exists().where(DigestDelivery.user_id == MailSettings.user_id, DigestDelivery.period == key))
                .order_by(MailSettings.user_id).limit(batch)))
            if not ids:
                break
            yield [(user_id, key) for user_id in ids]
            after = ids[-1]


def fan_out(enqueue: Callable[[int, str], object], now: datetime | None = None) -> int:
    """Enqueue one delivery per due member; returns how many were enqueued."""
    count = 0
    for batch in due(now):
        db.session.rollback()  # end the read transaction before the (possibly in-process) deliveries
        for user_id, key in batch:
            enqueue(user_id, key)
            count += 1
    return count


# --- building and delivering -----------------------------------------------------------------

def reader_for(user_id: int, key: str, time_zone: str) -> Reader:
    since, until = window(key, time_zone)
    products, tags, questions = set(), set(), set()
    for product_id, tag_id, question_id in db.session.execute(
            select(Follow.product_id, Follow.tag_id, Follow.question_id).where(Follow.user_id == user_id)):
        if product_id is not None:
            products.add(product_id)
        if tag_id is not None:
            tags.add(tag_id)
        if question_id is not None:
            questions.add(question_id)
    return Reader(user_id, since, until, frozenset(products), frozenset(tags), frozenset(questions),
                  mail.link_builder(), preferences.quiet_product_ids(user_id))


def build(user_id: int, key: str, time_zone: str) -> Digest:
    """The member's digest for one period; sections without items are left out."""
    period, _ = parse_key(key)
    reader = reader_for(user_id, key, time_zone)
    digest = Digest(period, key, reader.since, reader.until)
    if not reader.follows_anything:
        return digest
    for section_key, spec in _sections.items():
        items = spec.build(reader)
        if items:
            digest.sections.append(Section(section_key, spec.title, items[:ITEMS_PER_SECTION], spec.new,
                                           more=len(items) > ITEMS_PER_SECTION))
    return digest


def deliver(user_id: int, key: str) -> int:
    """Send one member's digest for one period, at most once; returns the number of new items.

    Claims DigestDelivery(user_id, period) before sending: a duplicate task finds the claim and
    stops. Nothing new records the claim with item_count 0 and sends nothing. Raises
    mail.MailUnavailable (claim released) when the mail server can't take the message now.
    """
    period, _ = parse_key(key)
    row = db.session.execute(select(User, MailSettings).join(MailSettings, MailSettings.user_id == User.id)
                             .where(User.id == user_id)).first()
    if row is None:
        return 0
    user, settings = row
    if user.deleted_at is not None or settings.digest != period:
        return 0  # account gone or the member changed their mind since the run started
    digest = build(user_id, key, settings.time_zone)
    db.session.add(DigestDelivery(user_id=user_id, period=key, item_count=digest.new_count,
                                  sent=digest.new_count > 0))
    try:
        db.session.flush()  # the claim: a concurrent duplicate waits on the unique key, then fails here
    except IntegrityError:
        db.session.rollback()
        return 0
    if digest.new_count:
        try:
            mail.send(render(user, digest))
        except mail.MailUnavailable:
            db.session.rollback()
            raise
    db.session.commit()
    return digest.new_count


def subject(digest: Digest) -> str:
    parts = []
    for s in digest.sections:
        if s.new:
            one, many = _sections[s.key].nouns if s.key in _sections else (s.title.lower(), s.title.lower())
            parts.append(f"{len(s.items)}{'+' if s.more else ''} {one if len(s.items) == 1 else many}")
    return f"Your {digest.word} digest: " + ", ".join(parts)


def render(user: User, digest: Digest) -> mail.Email:
    link = mail.link_builder()
    token = preferences.unsubscribe_token(user.id, preferences.DIGEST)
    return mail.render("digest", to=user.email, subject=subject(digest),
                       unsubscribe_url=link("notifications.unsubscribe", token=token),
                       user=user, digest=digest, settings_url=link("preferences.page"))


@dataclass(frozen=True)
class Preview:
    user_id: int
    username: str
    key: str
    new_count: int
    subject: str


def preview(now: datetime | None = None) -> Iterator[Preview]:
    """What a run at `now` would send, without claiming or sending anything (`--dry-run`)."""
    for batch in due(now):
        ids = [user_id for user_id, _ in batch]
        rows = {u.id: (u, s) for u, s in db.session.execute(
            select(User, MailSettings).join(MailSettings, MailSettings.user_id == User.id).where(User.id.in_(ids)))}
        for user_id, key in batch:
            user, settings = rows[user_id]
            digest = build(user_id, key, settings.time_zone)
            yield Preview(user_id, user.username, key, digest.new_count,
                          subject(digest) if digest.new_count else "")


# --- the built-in sections ---------------------------------------------------------------------

def _in_followed_spaces(reader: Reader, product_column=Question.product_id, id_column=Question.id,
                        tag_links=question_tags.c.question_id):
    """Followed products or tags, minus the products the member made quiet (None: follows neither).

    Questions by default; articles pass their own columns (`tag_links`: the link table's owner column).
    """
    conditions = []
    if reader.product_ids:
        conditions.append(product_column.in_(reader.product_ids))
    if reader.tag_ids:
        conditions.append(id_column.in_(select(tag_links).where(tag_links.table.c.tag_id.in_(reader.tag_ids))))
    if not conditions:
        return None
    if reader.quiet_product_ids:
        return and_(or_(*conditions), product_column.not_in(reader.quiet_product_ids))
    return or_(*conditions)


def _question_items(reader: Reader, *where) -> list[Item]:
    rows = db.session.execute(
        select(Question.id, Question.title, Question.created_at, Question.answer_count, Product.name)
        .join(Product, Product.id == Question.product_id)
        .where(Question.deleted_at.is_(None), Question.hidden_at.is_(None), Question.author_id != reader.user_id,
               *where)
        .order_by(Question.created_at.desc(), Question.id.desc()).limit(ITEMS_PER_SECTION + 1))
    return [Item(title, reader.link("questions.show", question_id=qid, slug=slugify(title)),
                 f"{product} · {answers} {'answer' if answers == 1 else 'answers'}", created)
            for qid, title, created, answers, product in rows]


@section("questions", "New questions", nouns=("new question", "new questions"))
def new_questions(reader: Reader) -> list[Item]:
    spaces = _in_followed_spaces(reader)
    if spaces is None:
        return []
    return _question_items(reader, spaces, Question.created_at >= reader.since, Question.created_at < reader.until)


@section("answers", "New answers to questions you follow", nouns=("new answer", "new answers"))
def new_answers(reader: Reader) -> list[Item]:
    if not reader.question_ids:
        return []
    rows = db.session.execute(
        select(Answer.id, Answer.question_id, Answer.created_at, Question.title, User.username)
        .join(Question, Question.id == Answer.question_id).join(User, User.id == Answer.author_id)
        .where(Answer.question_id.in_(reader.question_ids), Answer.deleted_at.is_(None), Answer.hidden_at.is_(None),
               Question.product_id.not_in(reader.quiet_product_ids),
               Question.deleted_at.is_(None), Question.hidden_at.is_(None), Answer.author_id != reader.user_id,
               Answer.created_at >= reader.since, Answer.created_at < reader.until)
        .order_by(Answer.created_at.desc(), Answer.id.desc()).limit(ITEMS_PER_SECTION + 1))
    return [Item(title, reader.link("questions.show", anchor=f"answer-{aid}", question_id=qid, slug=slugify(title)),
                 f"answered by {username}", created)
            for aid, qid, created, title, username in rows]


@section("unanswered", "Still waiting for an answer", new=False)
def unanswered(reader: Reader) -> list[Item]:
    spaces = _in_followed_spaces(reader)
    if spaces is None:
        return []
    return _question_items(reader, spaces, and_(Question.created_at >= reader.since - UNANSWERED_LOOKBACK,
                                                 Question.created_at < reader.since),
                           Question.answer_count == 0, Question.accepted_answer_id.is_(None))


@section("articles", "New knowledge articles", nouns=("new article", "new articles"))
def new_articles(reader: Reader) -> list[Item]:
    """Articles published in the window about followed products or tags."""
    spaces = _in_followed_spaces(reader, Article.product_id, Article.id, article_tags.c.article_id)
    if spaces is None:
        return []
    rows = db.session.execute(
        select(Article.id, Article.title, Article.published_at, Product.name)
        .join(Product, Product.id == Article.product_id)
        .where(Article.state == ArticleState.PUBLISHED.value, spaces,
               Article.published_at >= reader.since, Article.published_at < reader.until)
        .order_by(Article.published_at.desc(), Article.id.desc()).limit(ITEMS_PER_SECTION + 1))
    return [Item(title, reader.link("knowledge.show", article_id=aid, slug=slugify(title)),
                 f"{product} · knowledge article", published)
            for aid, title, published, product in rows]
