"""Case satisfaction surveys (CSAT) and "did this help?" votes.

When a case is resolved its asker is asked once, in-app and (if they opted in to that kind of
email) by email, "How satisfied are you with the help you got?". The email's five links open a
page with the rating preselected; only the POST from that page records it, because mail
scanners prefetch links. A link is signed for one survey and one member, works once, and not
after the survey expires (SURVEY_DAYS after resolution); until then the signed-in asker may
change the rating from the notification. Comments are for staff only.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext, ngettext
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import case, func, select, update

from forum import mail, urls
from forum.extensions import db
from forum.models import (
    Answer,
    Article,
    Case,
    CaseSurvey,
    HelpfulVote,
    NotificationKind,
    Rating,
    User,
    utcnow,
)
from forum.policy import Permission, require, visibility
from forum.services import notifications, outbox, preferences
from forum.services.errors import Gone, NotAllowed, NotFound, ValidationFailed
from forum.services.events import Event, subscribe
from forum.services.privacy import export_section

SURVEY_DAYS = 7
COMMENT_MAX = 2000
SALT = "peercare.case-survey"
EMAIL = "satisfaction.email"
QUESTION = lazy_gettext("How satisfied are you with the help you got?")


def _closed_text() -> str:
    return ngettext("This survey closed %(num)d day after the case was resolved.",
                    "This survey closed %(num)d days after the case was resolved.", SURVEY_DAYS)


def init_app(app) -> None:
    """Wire the survey email, the export section and the anonymisation on account deletion."""
    outbox.handler(EMAIL, background=True)(email_survey)
    export_section("satisfaction")(_export)
    subscribe(Event.ACCOUNT_DELETED)(_on_account_deleted)


# --- surveys ---------------------------------------------------------------------------------

def request_survey(case: Case) -> CaseSurvey | None:
    """Ask the asker of a just-resolved case how it went (once per case; a re-resolution asks nothing)."""
    if db.session.scalar(select(CaseSurvey.id).where(CaseSurvey.case_id == case.id)) is not None:
        return None
    now = utcnow()
    survey = CaseSurvey(case_id=case.id, customer_id=case.customer_id, product_id=case.product_id,
                        link_nonce=secrets.token_hex(16), sent_at=now, expires_at=now + timedelta(days=SURVEY_DAYS))
    db.session.add(survey)
    db.session.flush()
    notification = notifications.notify(case.customer_id, NotificationKind.CASE_SURVEY, question_id=case.question_id,
                                        message="case.survey", params={"reference": case.reference}, email=False)
    if notification is not None and preferences.wants_email(case.customer_id, NotificationKind.CASE_SURVEY.value,
                                                            product_id=case.product_id):
        outbox.defer(EMAIL, survey_id=survey.id)
    return survey


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link_token(survey: CaseSurvey) -> str:
    """The signed value in the emailed links: this survey, this member, this (single-use) link."""
    return _serializer().dumps([survey.id, survey.customer_id, survey.link_nonce])


def rating_links(survey: CaseSurvey) -> list[tuple[Rating, str]]:
    token = link_token(survey)
    link = urls.site_links()
    return [(rating, link("satisfaction.from_email", token=token, rating=int(rating))) for rating in Rating]


@dataclass(frozen=True)
class SurveyLink:
    survey: CaseSurvey
    usable: bool
    reason: str | None = None


def open_link(token: str, member: User) -> CaseSurvey:
    """The survey an emailed link names, if `member` may still answer through it.

    Raises NotFound for a tampered token, NotAllowed for someone else's link, Gone when the
    link was used already or the survey expired.
    """
    try:
        survey_id, customer_id, nonce = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError) as exc:
        raise NotFound(_("This survey link is not valid. Please use the link from the email.")) from exc
    survey = db.session.get(CaseSurvey, survey_id) if isinstance(survey_id, int) else None
    if survey is None or survey.customer_id is None or survey.customer_id != customer_id:
        raise NotFound(_("This survey link is not valid."))
    if member.id != customer_id:
        raise NotAllowed(_("This survey link belongs to another member. Sign in as the member it was sent to."))
    if utcnow() >= survey.expires_at:
        raise Gone(_closed_text())
    if survey.link_nonce is None or not secrets.compare_digest(survey.link_nonce, str(nonce)):
        raise Gone("This survey link has been used already. You can change your rating from your notifications "
                   "while the survey is open.")
    return survey


def survey_for_question(question_id: int, member: User) -> CaseSurvey:
    """The member's survey about their question's latest case, while it is open (the in-app route)."""
    survey = db.session.scalar(select(CaseSurvey).join(Case, Case.id == CaseSurvey.case_id)
                               .where(Case.question_id == question_id).order_by(CaseSurvey.id.desc()).limit(1))
    if survey is None:
        raise NotFound(_("There is no satisfaction survey for this question."))
    require(member, Permission.CASE_RATE, survey)
    if utcnow() >= survey.expires_at:
        raise Gone(_closed_text())
    return survey


def parse_rating(raw: object) -> Rating:
    """A rating from a form or JSON value; anything but 1–5 is a clear error."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isdigit() or not 1 <= int(text) <= 5:
        raise ValidationFailed(_("Please choose a rating from 1 to 5."),
                               fields={"rating": _("Choose 1 (very dissatisfied) to 5 (very satisfied).")})
    return Rating(int(text))


def record(survey: CaseSurvey, member: User, rating: object, comment: str | None = None, *,
           through_link: bool = False) -> CaseSurvey:
    """Record or change the member's rating (flushes; the entry point commits).

    `through_link` spends the emailed link, so the same link can't record a second time.
    """
    require(member, Permission.CASE_RATE, survey)
    if utcnow() >= survey.expires_at:
        raise Gone(_closed_text())
    value = parse_rating(rating)
    text = (comment or "").replace("\x00", "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(_("The comment is too long."),
                               fields={"comment": f"At most {COMMENT_MAX:,} characters."})
    survey.rating, survey.comment, survey.rated_at = int(value), text, utcnow()
    if through_link:
        survey.link_nonce = None
    db.session.flush()
    return survey


def survey_of_case(case_id: int) -> CaseSurvey | None:
    return db.session.scalar(select(CaseSurvey).where(CaseSurvey.case_id == case_id))


def email_survey(payload: dict) -> None:
    """Email the survey with one link per rating, unless the member opted out or left meanwhile."""
    survey = db.session.get(CaseSurvey, payload["survey_id"])
    if survey is None or survey.customer_id is None or survey.rating is not None or survey.link_nonce is None:
        return
    user = db.session.get(User, survey.customer_id)
    kind = NotificationKind.CASE_SURVEY.value
    if not visibility.is_live_account(user) or not preferences.wants_email(user.id, kind,
                                                                          product_id=survey.product_id):
        return
    case = survey.case
    with mail.written_for(user):
        message = mail.render(
            "case_survey", to=user.email, subject=f"{case.reference}: {QUESTION}",
            unsubscribe_url=urls.site_url("notifications.unsubscribe", token=preferences.unsubscribe_token(user.id,
                                                                                                              kind)),
            settings_url=urls.site_url("preferences.page"), user=user, case=case, question=str(QUESTION),
            title=case.question.title, links=rating_links(survey), days=SURVEY_DAYS,
            kind_label=NotificationKind.label_of(kind))
    try:
        mail.send(message)
    except mail.MailUnavailable as exc:
        raise outbox.RetryLater(f"mail server unavailable: {exc}") from exc


# --- "did this help?" ------------------------------------------------------------------------

@dataclass(frozen=True)
class HelpfulCount:
    yes: int
    no: int
    mine: bool | None = None

    @property
    def total(self) -> int:
        return self.yes + self.no


def _target(kind: str, target_id: int) -> Answer | Article:
    """An accepted, visible answer or a published article: the only things asked about."""
    if kind == "answer":
        answer = db.session.get(Answer, target_id)
        if answer is None or not visibility.is_public(answer) or answer.question.accepted_answer_id != answer.id:
            raise NotFound(_("“Did this help?” is asked about accepted answers only."))
        return answer
    if kind == "article":
        article = db.session.get(Article, target_id)
        if article is None or not visibility.is_public(article):
            raise NotFound(_("No such published article."))
        return article
    raise NotFound(_("“Did this help?” is asked about accepted answers and articles."))


def parse_helpful(raw: object) -> bool:
    text = str(raw).strip().lower() if raw is not None else ""
    if text in ("yes", "true", "1"):
        return True
    if text in ("no", "false", "0"):
        return False
    raise ValidationFailed(_("Answer yes or no."), fields={"helpful": _("Send yes or no.")})


def vote_helpful(member: User, kind: str, target_id: int, helpful: object) -> HelpfulCount:
    """Record or change the member's yes/no (one per member per answer or article; flushes)."""
    target = _target(kind, target_id)
    require(member, Permission.HELPFUL_VOTE, target)
    value = parse_helpful(helpful)
    column = HelpfulVote.answer_id if kind == "answer" else HelpfulVote.article_id
    vote = db.session.scalar(select(HelpfulVote).where(HelpfulVote.user_id == member.id, column == target.id))
    if vote is None:
        vote = HelpfulVote(user_id=member.id, helpful=value, **{f"{kind}_id": target.id})
        db.session.add(vote)
    elif vote.helpful != value:
        vote.helpful, vote.updated_at = value, utcnow()
    db.session.flush()
    return helpful_count(kind, target.id, member)


def helpful_count(kind: str, target_id: int, viewer: User | None = None) -> HelpfulCount:
    """Yes and no counts for one answer or article, and the viewer's own answer, in one query."""
    column = HelpfulVote.answer_id if kind == "answer" else HelpfulVote.article_id
    viewer_id = viewer.id if viewer is not None else -1
    yes, no, mine_yes, mine_no = db.session.execute(select(
        func.coalesce(func.sum(case((HelpfulVote.helpful.is_(True), 1), else_=0)), 0),
        func.coalesce(func.sum(case((HelpfulVote.helpful.is_(False), 1), else_=0)), 0),
        func.coalesce(func.sum(case(((HelpfulVote.user_id == viewer_id) & HelpfulVote.helpful.is_(True), 1),
                                    else_=0)), 0),
        func.coalesce(func.sum(case(((HelpfulVote.user_id == viewer_id) & HelpfulVote.helpful.is_(False), 1),
                                    else_=0)), 0),
    ).where(column == target_id)).one()
    mine = True if mine_yes else (False if mine_no else None)
    return HelpfulCount(int(yes), int(no), mine)


# --- privacy ---------------------------------------------------------------------------------

def _export(user_id: int) -> dict:
    def iso(when):
        return when.isoformat(timespec="seconds") + "Z" if when else None

    surveys = db.session.execute(select(CaseSurvey, Case.id).join(Case, Case.id == CaseSurvey.case_id)
                                 .where(CaseSurvey.customer_id == user_id).order_by(CaseSurvey.id)).all()
    votes = db.session.scalars(select(HelpfulVote).where(HelpfulVote.user_id == user_id).order_by(HelpfulVote.id))
    return {
        "case_ratings": [{"case": f"CASE-{case_id:06d}", "rating": s.rating, "comment": s.comment,
                          "rated_at": iso(s.rated_at), "asked_at": iso(s.sent_at)} for s, case_id in surveys],
        "did_this_help": [{"answer_id": v.answer_id, "article_id": v.article_id, "helpful": v.helpful,
                           "updated_at": iso(v.updated_at)} for v in votes],
    }


def _on_account_deleted(event: Event, *, user_id: int, **_ids: int | None) -> None:
    forget(user_id)


def forget(user_id: int) -> None:
    """A deleted account's ratings and votes keep counting, with no link to the person and no comment."""
    db.session.execute(update(CaseSurvey).where(CaseSurvey.customer_id == user_id)
                       .values(customer_id=None, comment="", link_nonce=None))
    db.session.execute(update(HelpfulVote).where(HelpfulVote.user_id == user_id).values(user_id=None))
