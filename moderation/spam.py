"""Spam defence basics (README, "Moderation"): new members' daily limits, links per post, watched words.

`check_content` is registered with forum.services.posts and runs inside ask, answer, comment
and edit before anything is saved; it raises ValidationFailed with a message the member can
act on. Watched words with the "review" action don't refuse: moderation.hooks queues the post.
"""

import re
from datetime import datetime, time

from flask import g, has_app_context
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Answer, Question, User, WatchedAction, WatchedWord, utcnow
from forum.policy import Permission, require, roles
from forum.services import posts
from forum.services.errors import Conflict, NotFound, ValidationFailed
from moderation import audit, settings

LINK_RE = re.compile(r"(?:https?://|ftp://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
PHRASE_RE = re.compile(r"^[\w][\w .'+#-]{0,78}[\w.+#]?$")


def count_links(text: str) -> int:
    """Web addresses in a markdown text; a [label](url) link counts once."""
    return len(LINK_RE.findall(text or ""))


def lift_new_member_limits() -> None:
    """Lift the new-member limits for the rest of this app context (demo seeding stands for weeks of posts)."""
    g.moderation_limits_lifted = True


def _limits_lifted() -> bool:
    return has_app_context() and g.get("moderation_limits_lifted", False)


def is_new_member(user: User) -> bool:
    """Staff never count as new; members do below the moderators' "new member" reputation."""
    return not roles.is_staff(user) and user.reputation < settings.thresholds()["new_member_reputation"]


def _posted_today(model, author_id: int) -> int:
    start = datetime.combine(utcnow().date(), time.min)
    return db.session.scalar(select(func.count(model.id)).where(model.author_id == author_id,
                                                                  model.created_at >= start)) or 0


def _pattern(phrase: str) -> re.Pattern:
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in phrase.split()) + r"(?!\w)", re.IGNORECASE)


def watched_in(text: str) -> list[WatchedWord]:
    """Watched words and phrases that occur in `text` as whole words, case-insensitively."""
    words = list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.phrase)))
    return [w for w in words if _pattern(w.phrase).search(text or "")]


@posts.content_check
def check_content(author: User, kind: str, text: str, *, new: bool) -> None:
    """Refuse what new members may not post (daily limits, too many links) and blocked words.

    Staff are exempt from the limits but not from blocked words.
    """
    blocked = [w.phrase for w in watched_in(text) if w.action == WatchedAction.BLOCK]
    if blocked:
        raise ValidationFailed(_("Your post contains a blocked word."),
                               fields={"body": f"“{blocked[0]}” isn't allowed here. Please rephrase."})
    if not is_new_member(author) or _limits_lifted():
        return
    limits = settings.thresholds()
    needed = limits["new_member_reputation"]
    if kind in ("question", "answer"):
        links = count_links(text)
        if links > limits["new_member_links_per_post"]:
            raise ValidationFailed(_("Too many links for a new member."), fields={"body": (
                f"New members (below {needed} reputation) can include at most "
                f"{limits['new_member_links_per_post']} links per post; this has {links}.")})
    if not new or kind == "comment":
        return
    model, limit_key, noun = ((Question, "new_member_questions_per_day", "questions") if kind == "question"
                              else (Answer, "new_member_answers_per_day", "answers"))
    limit = limits[limit_key]
    if _posted_today(model, author.id) >= limit:
        raise ValidationFailed(_("You've reached today's limit."), fields={"daily_limit": (
            f"New members (below {needed} reputation) can post {limit} {noun if limit != 1 else noun[:-1]} "
            "per day (UTC). "
            "Please come back tomorrow; the limit goes away as you earn reputation.")})


def watched_words() -> list[WatchedWord]:
    return list(db.session.scalars(select(WatchedWord).order_by(WatchedWord.action, WatchedWord.phrase)))


def add_watched_word(phrase: str, action: str, *, actor: User) -> WatchedWord:
    """Add a word or phrase that blocks posts or sends them to review (moderators)."""
    require(actor, Permission.MODERATE)
    phrase = " ".join((phrase or "").lower().split())
    errors = {}
    if not PHRASE_RE.match(phrase):
        errors["phrase"] = "1–80 characters: letters, digits, spaces and . ' + # -"
    if action not in {a.value for a in WatchedAction}:
        errors["action"] = _("Choose block or review.")
    if errors:
        raise ValidationFailed(_("Please check the watched word."), fields=errors)
    if db.session.scalar(select(WatchedWord.id).where(WatchedWord.phrase == phrase)) is not None:
        raise Conflict(_("“%(phrase)s” is already on the list.", phrase=phrase))
    word = WatchedWord(phrase=phrase, action=action, created_by_id=actor.id)
    db.session.add(word)
    db.session.flush()
    audit.log("watched_word.add", actor, target=f"watched_word:{word.id}", after={"phrase": phrase, "action": action})
    db.session.flush()
    return word


def remove_watched_word(word_id: int, *, actor: User) -> None:
    """Take a word off the list (moderators)."""
    require(actor, Permission.MODERATE)
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        raise NotFound(_("That watched word is not on the list."))
    audit.log("watched_word.remove", actor, target=f"watched_word:{word.id}",
              before={"phrase": word.phrase, "action": word.action})
    db.session.delete(word)
    db.session.flush()
