"""What questions and answers share: lookup, validation, revisions, and deletion's reputation."""

import re
from collections.abc import Callable

from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from forum.extensions import db
from forum.markup import render_markdown
from forum.models import Activity, Answer, Language, Question, Revision, Tag, User, Vote, utcnow
from forum.policy import Permission, refusal, visibility
from forum.services import ledger
from forum.services.errors import FieldNotAllowed, NotFound, PrivilegeRefusal, ValidationFailed
from reputation import rules
from reputation.events import PostKind, RepEvent
from reputation.events import Role as GrantRole

TITLE_MIN, TITLE_MAX = 15, 150
BODY_MIN, BODY_MAX = 30, 30_000
ANSWER_BODY_MIN = 20
TAGS_MIN, TAGS_MAX = 1, 5
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9+#.-]{0,34}$")
EDIT_COMMENT_MAX = 300


# Checks that other packages register (moderation: new members' limits, links, watched words);
# each runs before a question, answer or comment is saved and raises ValidationFailed to refuse.
ContentCheck = Callable[..., None]
_content_checks: list[ContentCheck] = []


def content_check(fn: ContentCheck) -> ContentCheck:
    """Register fn(author, kind, text, *, new) with kind "question", "answer" or "comment"."""
    if fn not in _content_checks:
        _content_checks.append(fn)
    return fn


def check_content(author: User, kind: str, text: str, *, new: bool) -> None:
    """Run the registered checks on text about to be posted (`new`) or saved by an edit."""
    for fn in list(_content_checks):
        fn(author, kind, text, new=new)


def get_question(question_id: int, *, viewer: User | None = None) -> Question:
    """Return a question the viewer may see (forum.policy.visibility), else NotFound."""
    question = db.session.get(Question, question_id)
    if question is None or not visibility.can_see(viewer, question):
        raise NotFound(_("That question doesn't exist or has been deleted."))
    return question


def get_answer(answer_id: int, *, viewer: User | None = None) -> Answer:
    answer = db.session.get(Answer, answer_id)
    if answer is None or not visibility.can_see(viewer, answer):
        raise NotFound(_("That answer doesn't exist or has been deleted."))
    return answer


def get_post(kind: PostKind, post_id: int, *, viewer: User | None = None) -> Question | Answer:
    return get_question(post_id, viewer=viewer) if kind is PostKind.QUESTION else get_answer(post_id, viewer=viewer)


def check_body(body: str | None, errors: dict[str, str], minimum: int = BODY_MIN) -> str:
    body = (body or "").replace("\x00", "").strip()
    if len(body) < minimum:
        errors["body"] = _("Please write at least %(minimum)s characters.", minimum=minimum)
    elif len(body) > BODY_MAX:
        errors["body"] = _("Please keep it under %(body_max)s characters (this is %(length)s).",
                           body_max=format_number(BODY_MAX), length=format_number(len(body)))
    return body


def check_language(code: str | None, errors: dict[str, str]) -> str:
    """A shipped language code for a question's content ("fr"); any other value is a field error."""
    code = (code or "").strip().lower()
    if code not in Language._value2member_map_:
        errors["language"] = _("Please choose one of the languages: %(codes)s.",
                               codes=", ".join(language.value for language in Language))
    return code


def check_title(title: str | None, errors: dict[str, str]) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if len(title) < TITLE_MIN:
        errors["title"] = _("Please write a title of at least %(title_min)s characters that states the problem.",
                            title_min=TITLE_MIN)
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Please keep the title under %(title_max)s characters.", title_max=TITLE_MAX)
    return title


def parse_tags(raw: str | list[str] | None, errors: dict[str, str]) -> list[str]:
    """Normalize tags given as a list or a space/comma separated string."""
    if raw is None:
        raw = []
    if isinstance(raw, str):
        raw = re.split(r"[\s,]+", raw)
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        errors["tags"] = _("Tags must be a list of words.")
        return []
    tags: list[str] = []
    for tag in (t.strip().lower().lstrip("#") for t in raw):
        if tag and tag not in tags:
            tags.append(tag)
    bad = [t for t in tags if not TAG_RE.match(t)]
    if bad:
        errors["tags"] = _("“%(bad)s” is not a valid tag: use lowercase letters, digits, + # . -", bad=bad[0][:40])
    elif not TAGS_MIN <= len(tags) <= TAGS_MAX:
        errors["tags"] = _("Please give between %(tags_min)s and %(tags_max)s tags.",
                           tags_min=TAGS_MIN, tags_max=TAGS_MAX)
    return tags


def canonical_names(names: list[str]) -> list[str]:
    """`names` with each synonym replaced by its master's name, in order, without repeats (one query)."""
    if not names:
        return []
    master = Tag.__table__.alias("master")
    mapped = dict(db.session.execute(select(Tag.name, master.c.name).join(master, master.c.id == Tag.synonym_of_id)
                                     .where(Tag.name.in_(names))).all())
    result: list[str] = []
    for name in names:
        name = mapped.get(name, name)
        if name not in result:
            result.append(name)
    return result


def canonical_name(name: str) -> str:
    """The master tag's name for a tag or synonym name (unknown names are returned as given)."""
    return canonical_names([name])[0] if name else name


def check_tags(actor: User, raw: str | list[str] | None, errors: dict[str, str]) -> list[str]:
    """The tags a post by `actor` gets: normalized, and each one existing unless `actor` may create tags.

    A synonym becomes its master tag. A tag that doesn't exist yet is a field error for
    members below the "create tags" privilege, so a typo can't start a new tag (web, API and
    suggested edits alike).
    """
    names = parse_tags(raw, errors)
    if "tags" in errors or not names:
        return names
    names = canonical_names(names)
    known = set(db.session.scalars(select(Tag.name).where(Tag.name.in_(names))))
    for name in names:
        if name not in known:
            reason = refusal(actor, Permission.TAG_CREATE, name)
            if reason is not None:
                errors["tags"] = PrivilegeRefusal(reason)
                break
    return names


def raise_if(errors: dict[str, str]) -> None:
    if errors and all(isinstance(reason, PrivilegeRefusal) for reason in errors.values()):
        raise FieldNotAllowed(_("Please correct the marked fields."), fields=errors)
    if errors:
        raise ValidationFailed(_("Please correct the marked fields."), fields=errors)


def add_revision(*, author: User, body_md: str, question: Question | None = None,
                 answer: Answer | None = None, title: str | None = None, tags: list[str] | None = None,
                 comment: str = "") -> Revision:
    column = Revision.question_id if question is not None else Revision.answer_id
    post_id = question.id if question is not None else answer.id
    number = (db.session.scalar(select(func.max(Revision.number)).where(column == post_id)) or 0) + 1
    revision = Revision(
        question_id=question.id if question is not None else None,
        answer_id=answer.id if answer is not None else None,
        number=number, author_id=author.id, body_md=body_md, title=title,
        tags=" ".join(tags) if tags is not None else None, comment=comment[:EDIT_COMMENT_MAX],
    )
    db.session.add(revision)
    return revision


def rendered(body: str) -> str:
    return render_markdown(body)


def withdraw_reputation(question: Question, answers: list[Answer]) -> set[int]:
    """Reverse what votes and acceptance on these posts earned; returns members touched."""
    entries = []
    if question is not None:
        entries += ledger.live_entries(rules.vote_events(PostKind.QUESTION), question_id=question.id)
    if answers:
        events = rules.vote_events(PostKind.ANSWER) | rules.ACCEPT_EVENTS
        entries += ledger.live_entries(events, answer_ids=[a.id for a in answers])
    touched = {e.user_id for e in entries}
    ledger.lock_users(touched)
    for entry in entries:
        ledger.reverse(entry, reason="post deleted")
    return touched


def restore_reputation(question: Question | None, answers: list[Answer]) -> set[int]:
    """Grant again what the current votes and acceptance on these posts earn (undeletion).

    A post that was deleted as spam also gets its −100 reversed and loses the spam mark.
    """
    penalties = _spam_penalties([p for p in (question, *answers) if p is not None and p.deleted_as_spam])
    grants: list[tuple] = []
    if question is not None:
        for vote in db.session.scalars(select(Vote).where(Vote.question_id == question.id)):
            grants += [(g, question.author_id, vote.user_id, question.id, None)
                       for g in rules.vote_grants(PostKind.QUESTION, vote.value)]
    for answer in answers:
        for vote in db.session.scalars(select(Vote).where(Vote.answer_id == answer.id)):
            grants += [(g, answer.author_id, vote.user_id, None, answer.id)
                       for g in rules.vote_grants(PostKind.ANSWER, vote.value)]
        thread = answer.question
        if thread.accepted_answer_id == answer.id:
            grants += [(g, answer.author_id, thread.author_id, None, answer.id)
                       for g in rules.accept_grants(self_accept=answer.author_id == thread.author_id)]
    ledger.lock_users({author_id if grant.role is GrantRole.AUTHOR else actor_id
                       for grant, author_id, actor_id, _, _ in grants} | {e.user_id for e in penalties})
    touched = {e.user_id for e in penalties}
    for entry in penalties:
        ledger.reverse(entry, reason="post undeleted")
    for post in (question, *answers):
        if post is not None:
            post.deleted_as_spam = False
    for grant, author_id, actor_id, question_id, answer_id in grants:
        subject = author_id if grant.role is GrantRole.AUTHOR else actor_id
        ledger.record(grant.event, user_id=subject, amount=grant.amount, actor_id=actor_id,
                      question_id=question_id, answer_id=answer_id, reason="post undeleted")
        touched.add(subject)
    return touched


def _spam_penalties(spam_posts: list[Question | Answer]) -> list:
    entries = []
    for post in spam_posts:
        keys = {"question_id": post.id} if isinstance(post, Question) else {"answer_id": post.id}
        entries += ledger.live_entries([RepEvent.POST_DELETED_AS_SPAM], **keys)
    return entries


def count_answer(post: Question | Answer | object, *, counted_before: bool) -> None:
    """Keep `questions.answer_count` equal to the answers a visitor sees (`visibility.public_post`):
    called after an answer is deleted, undeleted, hidden or unhidden, with `visibility.is_public_post`
    of the answer from before the change (posts that aren't answers count nothing)."""
    if not isinstance(post, Answer):
        return
    delta = int(visibility.is_public_post(post)) - int(counted_before)
    if delta:
        db.session.execute(update(Question).where(Question.id == post.question_id)
                           .values(answer_count=Question.answer_count + delta))


def touch(question: Question, kind: Activity, actor: User | None) -> None:
    """Record activity on a thread: when (the Active list's order), what, and by whom (what it says)."""
    question.last_activity_at = utcnow()
    question.last_activity_kind = kind.value
    question.last_activity_by_id = actor.id if actor is not None else None
