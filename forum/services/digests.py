"""Email digests: daily at 07:00 in the member's time zone, or weekly on Monday.

What members get: README, "Notifications, email digests and feeds".

A digest is made of what the member follows: new questions in followed products and tags,
new answers to followed questions, older questions there still waiting for an answer, and
whatever other features add with `section(...)`. Nothing is sent when nothing is new.

Delivery fans out the Discourse way: `due()` pages through the members whose 07:00 has come
(in batches, a fixed number of queries per batch), the caller enqueues one `send_digest`
task per member, and `deliver()` claims a unique DigestDelivery(user_id, period) row before
the mail goes out, so a retried or duplicated task never sends twice.

Another feature adds a section by registering a builder from its init_app (which create_app
calls), for example release notes:

    def new_releases(reader: digests.Reader) -> list[digests.Item]:
        ...published between reader.since and reader.until in reader.product_ids / reader.tag_ids...

    def init_app(app):
        digests.section("releases", "New releases")(new_releases)

A builder gets the member's follows and the period's window and returns, newest first, at
most ITEMS_PER_SECTION + 1 items (one more says "and more") with a constant number of queries.
"""

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import and_, delete, distinct, exists, insert, or_, select
from sqlalchemy.exc import IntegrityError

from forum import mail, urls
from forum.extensions import db
from forum.models import (
    Answer,
    Article,
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
from forum.policy import visibility
from forum.services import preferences
from forum.services.errors import ValidationFailed
from forum.transaction import savepoint

DIGEST_HOUR = 7
MONDAY = 0
# Members per delivery task: each task reads the sections' pools once, so a larger batch shares them
# more widely (a batch of 5,000 stays within SQLite's and PostgreSQL's bound parameters).
BATCH = 5000
ITEMS_PER_SECTION = 15
UNANSWERED_LOOKBACK = timedelta(days=30)
PERIOD_WORDS = {DigestPeriod.DAILY: _l("daily"), DigestPeriod.WEEKLY: _l("weekly")}
SUBJECTS = {DigestPeriod.DAILY: _l("Your daily digest: %(counts)s"),
            DigestPeriod.WEEKLY: _l("Your weekly digest: %(counts)s")}


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
# A section's shared part: given a window [since, until), one read of everything any member could
# get, returning the per-member selection (a Builder that runs no query).
Pool = Callable[[datetime, datetime], Builder]


@dataclass(frozen=True)
class SectionSpec:
    title: str
    new: bool
    counted: Callable[[int, str], str]  # (3, "3+") → "3+ new answers": how the subject line counts the items
    build: Builder
    pool: Pool | None = None  # lets a run of many members read the section once per window


_sections: dict[str, SectionSpec] = {}


def section(key: str, title: str, *, new: bool = True, counted: Callable[[int, str], str] | None = None,
            pool: Pool | None = None) -> Callable[[Builder], Builder]:
    """Register a digest section. Only `new` sections decide whether there is anything to send.

    `pool`, optional, gives the same items as the builder for a whole run: it reads the window
    once and returns a function choosing each member's items from what it read. `counted(n, shown)`
    words the subject line's count in the reader's language, with `ngettext` for its plural forms
    (`shown` is the number as written, "3" or "3+").
    """

    def register(fn: Builder) -> Builder:
        _sections[key] = SectionSpec(title, new, counted or (lambda _n, shown: f"{shown} {str(title).lower()}"), fn,
                                     pool)
        return fn

    return register


# --- periods ---------------------------------------------------------------------------------

def period_key(period: str, local: datetime) -> str:
    """ "daily:2026-11-23" or "weekly:2026-W48" for the member's local date."""
    if period == DigestPeriod.DAILY:
        return f"daily:{local.date().isoformat()}"
    year, week, _weekday = local.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def _utc(day: date, tz) -> datetime:
    return datetime.combine(day, time(DIGEST_HOUR), tzinfo=tz).astimezone(UTC).replace(tzinfo=None)


def parse_key(key: str) -> tuple[str, date]:
    """The period and the local day its digest goes out on. Raises ValidationFailed when malformed."""
    period, _colon, stamp = (key or "").partition(":")  # not `_`: that is the translation function here
    try:
        if period == DigestPeriod.DAILY:
            return period, date.fromisoformat(stamp)
        if period == DigestPeriod.WEEKLY:
            year, week = stamp.split("-W")
            return period, date.fromisocalendar(int(year), int(week), 1)
    except ValueError:
        pass
    raise ValidationFailed(_("Not a digest period: %(key)s.", key=repr(key[:40])))


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
                .where(MailSettings.digest == period, MailSettings.time_zone.in_(names), visibility.member_clause(),
                       MailSettings.user_id > after,
                       exists().where(Follow.user_id == MailSettings.user_id),
                       ~exists().where(DigestDelivery.user_id == MailSettings.user_id, DigestDelivery.period == key))
                .order_by(MailSettings.user_id).limit(batch)))
            if not ids:
                break
            yield [(user_id, key) for user_id in ids]
            after = ids[-1]


def fan_out_batches(enqueue: Callable[[list[int], str], object], now: datetime | None = None) -> int:
    """Enqueue one delivery per batch of due members (`deliver_many`); returns how many members."""
    count = 0
    for batch in due(now):
        db.session.rollback()  # end the read transaction before the (possibly in-process) deliveries
        by_key: dict[str, list[int]] = {}
        for user_id, key in batch:
            by_key.setdefault(key, []).append(user_id)
        for key, user_ids in by_key.items():
            enqueue(user_ids, key)
            count += len(user_ids)
    return count


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
    return _readers([user_id], key, {user_id: time_zone})[user_id]


def _readers(user_ids: list[int], key: str, zones: dict[int, str]) -> dict[int, Reader]:
    """The Readers of many members with two queries (their follows and their quiet products)."""
    follows: dict[int, tuple[set, set, set]] = {u: (set(), set(), set()) for u in user_ids}
    for user_id, product_id, tag_id, question_id in db.session.execute(
            select(Follow.user_id, Follow.product_id, Follow.tag_id, Follow.question_id)
            .where(Follow.user_id.in_(user_ids))):
        products, tags, questions = follows[user_id]
        if product_id is not None:
            products.add(product_id)
        if tag_id is not None:
            tags.add(tag_id)
        if question_id is not None:
            questions.add(question_id)
    quiet = preferences.quiet_product_ids_of(user_ids)
    link = urls.site_links()
    windows: dict[str, tuple[datetime, datetime]] = {}
    readers = {}
    for user_id in user_ids:
        zone = zones[user_id]
        if zone not in windows:
            windows[zone] = window(key, zone)
        since, until = windows[zone]
        products, tags, questions = follows[user_id]
        readers[user_id] = Reader(user_id, since, until, frozenset(products), frozenset(tags), frozenset(questions),
                                  link, quiet.get(user_id, frozenset()))
    return readers


class _Run:
    """What one digest run shares between members: each section's pool, read once per window."""

    def __init__(self) -> None:
        self._pools: dict[tuple[str, datetime, datetime], Builder] = {}

    def builder(self, section_key: str, spec: SectionSpec, reader: Reader) -> Builder:
        if spec.pool is None:
            return spec.build
        pool_key = (section_key, reader.since, reader.until)
        if pool_key not in self._pools:
            self._pools[pool_key] = spec.pool(reader.since, reader.until)
        return self._pools[pool_key]


def _build(reader: Reader, key: str, run: "_Run | None" = None) -> Digest:
    period, _day = parse_key(key)
    digest = Digest(period, key, reader.since, reader.until)
    if not reader.follows_anything:
        return digest
    for section_key, spec in _sections.items():
        items = (run.builder(section_key, spec, reader) if run is not None else spec.build)(reader)
        if items:
            digest.sections.append(Section(section_key, spec.title, items[:ITEMS_PER_SECTION], spec.new,
                                           more=len(items) > ITEMS_PER_SECTION))
    return digest


def build(user_id: int, key: str, time_zone: str) -> Digest:
    """The member's digest for one period; sections without items are left out."""
    return _build(reader_for(user_id, key, time_zone), key)


def deliver(user_id: int, key: str) -> int:
    """Send one member's digest for one period, at most once; returns the number of new items.

    Claims DigestDelivery(user_id, period) before sending: a duplicate task finds the claim and
    stops. Nothing new records the claim with item_count 0 and sends nothing. Raises
    mail.MailUnavailable (claim released) when the mail server can't take the message now.
    """
    return deliver_many([user_id], key).get(user_id, 0)


def deliver_many(user_ids: list[int], key: str) -> dict[int, int]:
    """Send many members' digests for one period, each at most once; {user_id: new items} for those handled.

    The batch form of `deliver` (same rules, a fixed number of queries for the whole batch, each
    section read once per window): the claims of the batch are flushed together before any mail
    goes out and committed once. A member whose claim exists already (a duplicate run) is skipped.
    When the mail server refuses mid-batch, the claims of the members not yet sent are released
    and mail.MailUnavailable raised; the caller commits the sent ones' claims anyway, so a later
    run sends the rest and nobody twice.
    """
    period, _day = parse_key(key)
    rows = db.session.execute(
        select(User.id, User.username, User.email, User.locale, MailSettings.digest, MailSettings.time_zone)
        .join(MailSettings, MailSettings.user_id == User.id)
        .where(User.id.in_(user_ids), visibility.member_clause())).all()
    claimed = set(db.session.scalars(select(DigestDelivery.user_id).where(
        DigestDelivery.period == key, DigestDelivery.user_id.in_(user_ids))))
    wanted = {row.id: row for row in rows
              if row.digest == period and row.id not in claimed}
    # (account gone, the member changed their mind since the run started, or already handled)
    if not wanted:
        return {}
    readers = _readers(list(wanted), key, {u: row.time_zone for u, row in wanted.items()})
    run = _Run()
    digests = {user_id: _build(readers[user_id], key, run) for user_id in wanted}
    try:
        with savepoint():  # the claims: a concurrent duplicate waits on the unique key, then fails here
            db.session.execute(insert(DigestDelivery), [
                {"user_id": user_id, "period": key, "item_count": digest.new_count, "sent": digest.new_count > 0}
                for user_id, digest in digests.items()])
    except IntegrityError:
        if len(user_ids) == 1:
            return {}
        return {user_id: count for u in user_ids for user_id, count in deliver_many([u], key).items()}
    sent: set[int] = set()
    fragments = item_fragments()
    try:
        with mail.sending() as send:
            for user_id, digest in digests.items():
                if digest.new_count:
                    send(render(wanted[user_id], digest, fragments))
                    sent.add(user_id)
    except mail.MailUnavailable:
        unsent = [u for u, d in digests.items() if d.new_count and u not in sent]
        db.session.execute(delete(DigestDelivery).where(DigestDelivery.period == key,
                                                        DigestDelivery.user_id.in_(unsent)))
        db.session.flush()
        raise  # the caller commits the sent members' claims (see forum/tasks.py) and retries
    db.session.flush()
    return {user_id: digest.new_count for user_id, digest in digests.items()}


def subject(digest: Digest) -> str:
    parts = []
    for s in digest.sections:
        if s.new:
            shown = f"{len(s.items)}{'+' if s.more else ''}"
            spec = _sections.get(s.key)
            parts.append(spec.counted(len(s.items), shown) if spec else f"{shown} {s.title.lower()}")
    counts = _(", ").join(parts)
    wording = SUBJECTS.get(DigestPeriod(digest.period))
    return str(wording) % {"counts": counts} if wording else f"{digest.word}: {counts}"


class Recipient(Protocol):
    """What a message needs of its member (a User, or the row a batch reads, which has its time zone too)."""

    id: int
    username: str
    email: str
    locale: str  # the language the message is written in (mail.written_for)


def item_fragments() -> mail.Fragments:
    """Each digest item rendered once (the email/_digest_item macros), for the messages of one run."""
    return mail.Fragments("_digest_item")


def render(user: Recipient, digest: Digest, fragments: mail.Fragments | None = None) -> mail.Email:
    """The member's message; `fragments` shared by the messages of one run: an item listed in many
    members' digests is rendered once."""
    fragments = fragments or item_fragments()
    link = urls.site_links()
    token = preferences.unsubscribe_token(user.id, preferences.DIGEST)
    with mail.written_for(user, time_zone=getattr(user, "time_zone", None)):
        pieces = fragments.here()
        # titles and subject lines repeat across a run: each worded once per language (lazy strings cost a
        # catalog lookup at every use)
        digest = replace(digest, sections=[replace(s, title=pieces.worded(("title", s.key), lambda s=s: str(s.title)))
                                           for s in digest.sections])
        counts = (digest.period, tuple((s.key, len(s.items), s.more) for s in digest.sections if s.new))
        return mail.render("digest", to=user.email, subject=pieces.worded(counts, lambda: subject(digest)),
                           unsubscribe_url=link("notifications.unsubscribe", token=token),
                           user=user, digest=digest, settings_url=link("preferences.page"),
                           items_html=pieces.html, items_text=pieces.text)


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

@dataclass(frozen=True)
class _Candidate:
    """One item a pool may give members, with what decides who gets it."""

    item: Item
    product_id: int
    author_id: int | None


def _chooser(candidates: list[_Candidate], groups: dict[str, dict[int, list[int]]]) -> Builder:
    """Each member's items from a pool: candidates newest first, grouped by what members follow.

    `groups` maps "product", "tag" or "question" to {id: candidate positions, ascending}; a member
    gets the candidates of what they follow, merged in order, without their quiet products or
    their own posts: what the per-member query returns.
    """

    def choose(reader: Reader) -> list[Item]:
        followed = {"product": reader.product_ids, "tag": reader.tag_ids, "question": reader.question_ids}
        lists = [group[i] for kind, group in groups.items() for i in followed[kind] if i in group]
        chosen: list[Item] = []
        last = -1
        for position in heapq.merge(*lists):
            if position == last:
                continue
            last = position
            candidate = candidates[position]
            if candidate.product_id in reader.quiet_product_ids or candidate.author_id == reader.user_id:
                continue
            chosen.append(candidate.item)
            if len(chosen) > ITEMS_PER_SECTION:
                break
        return chosen

    return choose


def _grouped(pairs) -> dict[int, list[int]]:
    groups: dict[int, list[int]] = {}
    for key, position in pairs:
        groups.setdefault(key, []).append(position)
    for positions in groups.values():
        positions.sort()
    return groups


def _question_pool(*where) -> Builder:
    """The questions pool behind new_questions and unanswered: every candidate in the window at once."""
    rows = db.session.execute(
        select(Question.id, Question.title, Question.created_at, Question.answer_count, Product.name,
               Question.product_id, Question.author_id)
        .join(Product, Product.id == Question.product_id)
        .where(visibility.public_questions(), *where)
        .order_by(Question.created_at.desc(), Question.id.desc())).all()
    link = urls.site_links()
    candidates, positions = [], {}
    for position, (qid, title, created, answers, product, product_id, author_id) in enumerate(rows):
        positions[qid] = position
        candidates.append(_Candidate(Item(title, urls.thread_url(qid, title, link=link),
                                          f"{product} · {answers} {'answer' if answers == 1 else 'answers'}",
                                          created), product_id, author_id))
    tags = db.session.execute(select(question_tags.c.tag_id, question_tags.c.question_id)
                              .join(Question, Question.id == question_tags.c.question_id)
                              .where(visibility.public_questions(), *where))
    groups = {"product": _grouped((c.product_id, i) for i, c in enumerate(candidates)),
              "tag": _grouped((tag_id, positions[qid]) for tag_id, qid in tags if qid in positions)}
    return _chooser(candidates, groups)


def _new_questions_pool(since: datetime, until: datetime) -> Builder:
    return _question_pool(Question.created_at >= since, Question.created_at < until)


def _unanswered_pool(since: datetime, until: datetime) -> Builder:
    return _question_pool(Question.created_at >= since - UNANSWERED_LOOKBACK, Question.created_at < since,
                          Question.answer_count == 0, Question.accepted_answer_id.is_(None),
                          Question.solved_by_support_at.is_(None))


def _new_answers_pool(since: datetime, until: datetime) -> Builder:
    rows = db.session.execute(
        select(Answer.id, Answer.question_id, Answer.created_at, Question.title, User.username, Question.product_id,
               Answer.author_id)
        .join(Question, Question.id == Answer.question_id).join(User, User.id == Answer.author_id)
        .where(visibility.public_answers(with_question=False), visibility.public_questions(),
               Answer.created_at >= since, Answer.created_at < until)
        .order_by(Answer.created_at.desc(), Answer.id.desc())).all()
    link = urls.site_links()
    candidates = [_Candidate(Item(title, urls.thread_url(qid, title, urls.answer_anchor(aid), link=link),
                                  f"answered by {username}", created),
                             product_id, author_id)
                  for aid, qid, created, title, username, product_id, author_id in rows]
    return _chooser(candidates, {"question": _grouped((row[1], i) for i, row in enumerate(rows))})


def _new_articles_pool(since: datetime, until: datetime) -> Builder:
    published = (visibility.public_articles(), Article.published_at >= since,
                 Article.published_at < until)
    rows = db.session.execute(
        select(Article.id, Article.title, Article.published_at, Product.name, Article.product_id)
        .join(Product, Product.id == Article.product_id).where(*published)
        .order_by(Article.published_at.desc(), Article.id.desc())).all()
    link = urls.site_links()
    positions = {row[0]: i for i, row in enumerate(rows)}
    candidates = [_Candidate(Item(title, urls.article_page_url(aid, title, link=link),
                                  f"{product} · knowledge article", when), product_id, None)
                  for aid, title, when, product, product_id in rows]
    tags = db.session.execute(select(article_tags.c.tag_id, article_tags.c.article_id)
                              .join(Article, Article.id == article_tags.c.article_id).where(*published))
    groups = {"product": _grouped((c.product_id, i) for i, c in enumerate(candidates)),
              "tag": _grouped((tag_id, positions[aid]) for tag_id, aid in tags if aid in positions)}
    return _chooser(candidates, groups)


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
        .where(visibility.public_questions(), Question.author_id != reader.user_id, *where)
        .order_by(Question.created_at.desc(), Question.id.desc()).limit(ITEMS_PER_SECTION + 1))
    return [Item(title, urls.thread_url(qid, title, link=reader.link),
                 f"{product} · {answers} {'answer' if answers == 1 else 'answers'}", created)
            for qid, title, created, answers, product in rows]


def new_questions(reader: Reader) -> list[Item]:
    spaces = _in_followed_spaces(reader)
    if spaces is None:
        return []
    return _question_items(reader, spaces, Question.created_at >= reader.since, Question.created_at < reader.until)


def new_answers(reader: Reader) -> list[Item]:
    if not reader.question_ids:
        return []
    rows = db.session.execute(
        select(Answer.id, Answer.question_id, Answer.created_at, Question.title, User.username)
        .join(Question, Question.id == Answer.question_id).join(User, User.id == Answer.author_id)
        .where(Answer.question_id.in_(reader.question_ids), visibility.public_answers(with_question=False),
               Question.product_id.not_in(reader.quiet_product_ids),
               visibility.public_questions(), Answer.author_id != reader.user_id,
               Answer.created_at >= reader.since, Answer.created_at < reader.until)
        .order_by(Answer.created_at.desc(), Answer.id.desc()).limit(ITEMS_PER_SECTION + 1))
    return [Item(title, urls.thread_url(qid, title, urls.answer_anchor(aid), link=reader.link),
                 f"answered by {username}", created)
            for aid, qid, created, title, username in rows]


def unanswered(reader: Reader) -> list[Item]:
    spaces = _in_followed_spaces(reader)
    if spaces is None:
        return []
    return _question_items(reader, spaces, and_(Question.created_at >= reader.since - UNANSWERED_LOOKBACK,
                                                 Question.created_at < reader.since),
                           Question.answer_count == 0, Question.accepted_answer_id.is_(None),
                           Question.solved_by_support_at.is_(None))


def new_articles(reader: Reader) -> list[Item]:
    """Articles published in the window about followed products or tags."""
    spaces = _in_followed_spaces(reader, Article.product_id, Article.id, article_tags.c.article_id)
    if spaces is None:
        return []
    rows = db.session.execute(
        select(Article.id, Article.title, Article.published_at, Product.name)
        .join(Product, Product.id == Article.product_id)
        .where(visibility.public_articles(), spaces,
               Article.published_at >= reader.since, Article.published_at < reader.until)
        .order_by(Article.published_at.desc(), Article.id.desc()).limit(ITEMS_PER_SECTION + 1))
    return [Item(title, urls.article_page_url(aid, title, link=reader.link),
                 f"{product} · knowledge article", published)
            for aid, title, published, product in rows]


def init_app(app) -> None:
    """Register the built-in digest sections (in the order digests show them)."""
    section("questions", _l("New questions"),
            counted=lambda n, shown: ngettext("%(count)s new question", "%(count)s new questions", n, count=shown),
            pool=_new_questions_pool)(new_questions)
    section("answers", _l("New answers to questions you follow"),
            counted=lambda n, shown: ngettext("%(count)s new answer", "%(count)s new answers", n, count=shown),
            pool=_new_answers_pool)(new_answers)
    section("unanswered", _l("Still waiting for an answer"), new=False, pool=_unanswered_pool)(unanswered)
    section("articles", _l("New knowledge articles"),
            counted=lambda n, shown: ngettext("%(count)s new article", "%(count)s new articles", n, count=shown),
            pool=_new_articles_pool)(new_articles)
