"""The satisfaction survey pages (from the emailed links and from the notification) and "did this help?" votes."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum import auth
from forum.extensions import db
from forum.models import Answer, Article, Question, Rating
from forum.services import satisfaction
from forum.services.errors import ServiceError, ValidationFailed
from forum.transaction import unit_of_work
from forum.urls import answer_anchor, article_url, question_url

bp = Blueprint("satisfaction", __name__)


def _closed(exc: ServiceError):
    return render_template("satisfaction/closed.html", message=exc.message), exc.status


def _form(survey, *, action: str, rating: object = None, comment: str = "", error: ValidationFailed | None = None,
          status: int = 200):
    try:
        chosen = int(satisfaction.parse_rating(rating)) if rating not in (None, "") else survey.rating
    except ValidationFailed:
        chosen = survey.rating  # a nonsense preselection from a hand-edited link just selects nothing new
    return render_template("satisfaction/survey.html", survey=survey, case=survey.case, action=action,
                           ratings=list(Rating), chosen=chosen, comment=comment or survey.comment,
                           error=error, question=satisfaction.QUESTION, days=satisfaction.SURVEY_DAYS), status


def _show(load, action: str, rating: object = None):
    try:
        survey = load()
    except ServiceError as exc:
        return _closed(exc)
    return _form(survey, action=action, rating=rating)


def _record(load, action: str, *, through_link: bool = False):
    """Record the POSTed rating on the survey `load()` finds; a bad rating re-renders the form with the error."""
    me = auth.current()
    rating, comment = request.form.get("rating"), request.form.get("comment", "")
    try:
        with unit_of_work():
            survey = load()
            satisfaction.record(survey, me, rating, comment, through_link=through_link)
            question_id = survey.case.question_id
    except ValidationFailed as exc:
        return _form(load(), action=action, rating=rating, comment=comment, error=exc, status=exc.status)
    except ServiceError as exc:
        return _closed(exc)
    flash(_("Thank you: your rating is recorded."), "success")
    return redirect(url_for("satisfaction.for_question", question_id=question_id))


@bp.get("/satisfaction/<token>")
@auth.login_required
def from_email(token: str):
    """Show the survey with the emailed rating preselected; nothing is recorded until the POST."""
    return _show(lambda: satisfaction.open_link(token, auth.current()),
                 url_for("satisfaction.from_email", token=token), request.args.get("rating"))


@bp.post("/satisfaction/<token>")
@auth.login_required
def record_from_email(token: str):
    return _record(lambda: satisfaction.open_link(token, auth.current()),
                   url_for("satisfaction.from_email", token=token), through_link=True)


@bp.get("/questions/<int:question_id>/satisfaction")
@auth.login_required
def for_question(question_id: int):
    return _show(lambda: satisfaction.survey_for_question(question_id, auth.current()),
                 url_for("satisfaction.for_question", question_id=question_id))


@bp.post("/questions/<int:question_id>/satisfaction")
@auth.login_required
def record_for_question(question_id: int):
    return _record(lambda: satisfaction.survey_for_question(question_id, auth.current()),
                   url_for("satisfaction.for_question", question_id=question_id))


def _helpful(kind: str, target_id: int, done: str):
    try:
        with unit_of_work():
            satisfaction.vote_helpful(auth.current(), kind, target_id, request.form.get("helpful"))
    except ServiceError as exc:
        flash(exc.fields.get("helpful") or exc.message, "error")
        return redirect(done) if exc.status == 422 else (render_template("errors/error.html", code=exc.status,
                                                                          message=exc.message), exc.status)
    flash(_("Thanks for telling us."), "success")
    return redirect(done)


@bp.post("/answers/<int:answer_id>/helpful")
@auth.login_required
def helpful_answer(answer_id: int):
    answer = db.session.get(Answer, answer_id)
    question = db.session.get(Question, answer.question_id) if answer is not None else None
    done = (question_url(question, answer_anchor(answer_id)) if question is not None else url_for("questions.index"))
    return _helpful("answer", answer_id, done)


@bp.post("/kb/<int:article_id>/helpful")
@auth.login_required
def helpful_article(article_id: int):
    article = db.session.get(Article, article_id)
    done = (article_url(article)
            if article is not None else url_for("knowledge.index"))
    return _helpful("article", article_id, done)
