"""Answering, editing answers, voting on them, accepting, comments."""

from flask import Blueprint, flash, redirect, render_template, request
from flask_babel import gettext as _

from forum import auth, security
from forum.forms import AnswerForm, CommentForm, EditAnswerForm, apply_errors
from forum.policy import Permission, require
from forum.services import acceptance, answers, comments, posts, queries, votes
from forum.services.errors import ValidationFailed
from forum.transaction import transactional, unit_of_work
from forum.urls import answer_anchor, answer_url, question_url
from forum.views.common import act
from forum.views.questions import render_thread, vote_value, with_diffs
from reputation.events import PostKind

bp = Blueprint("answers", __name__)


@bp.post("/questions/<int:question_id>/answers")
@auth.login_required
def create(question_id: int):
    form = AnswerForm()
    posts.get_question(question_id, viewer=auth.current())  # a missing or hidden question is a 404 first
    wait = 0
    if form.validate_on_submit():
        wait = security.form_limit_wait()
        if wait:
            form.form_errors.append(_("You're posting quickly: you can post again in %(wait_text)s. Your answer is "
                                      "kept below.",
                                      wait_text=security.wait_text(wait)))
        else:
            try:
                with unit_of_work():
                    answer = answers.post_answer(question_id, auth.current(), body=form.body.data)
            except ValidationFailed as exc:
                apply_errors(form, exc.fields)
            else:
                flash(_("Thanks for answering!"), "success")
                return redirect(answer_url(answer))
    page, _status = render_thread(queries.load_thread(question_id, auth.current()), form)
    return page, 429 if wait else 422, {"Retry-After": str(wait)} if wait else {}


@bp.route("/answers/<int:answer_id>/edit", methods=["GET", "POST"])
@auth.login_required
def edit(answer_id: int):
    answer = posts.get_answer(answer_id, viewer=auth.current())
    require(auth.current(), Permission.POST_EDIT, answer)
    form = EditAnswerForm()
    if request.method == "GET":
        form.body.data = answer.body_md
    if form.validate_on_submit():
        try:
            with unit_of_work():
                answers.edit_answer(answer_id, auth.current(), body=form.body.data, comment=form.comment.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your edit is saved."), "success")
            return redirect(answer_url(answer))
    return render_template("answers/edit.html", form=form, answer=answer, q=answer.question), (
        422 if form.errors else 200)


@bp.post("/answers/<int:answer_id>/delete")
@auth.login_required
def delete(answer_id: int):
    answer = posts.get_answer(answer_id, viewer=auth.current())
    return act(lambda: answers.delete_answer(answer_id, auth.current()), done=question_url(answer.question),
               back=answer_url(answer), message=_("The answer is deleted."))


@bp.post("/answers/<int:answer_id>/undelete")
@auth.login_required
def undelete(answer_id: int):
    answer = posts.get_answer(answer_id, viewer=auth.current())
    url = answer_url(answer)
    return act(lambda: answers.undelete_answer(answer_id, auth.current()), done=url, back=url,
               message=_("The answer is restored."), here=f"{answer_anchor(answer_id)}-status")


@bp.post("/answers/<int:answer_id>/vote")
@auth.login_required
def vote(answer_id: int):
    value = vote_value()
    answer = posts.get_answer(answer_id, viewer=auth.current())
    url = answer_url(answer)
    return act(lambda: votes.vote(auth.current(), PostKind.ANSWER, answer_id, value), done=url, back=url,
               message={1: _("Upvoted."), -1: _("Downvoted."), 0: _("Vote removed.")}[value],
               here=f"{answer_anchor(answer_id)}-status")


@bp.post("/answers/<int:answer_id>/accept")
@auth.login_required
def accept(answer_id: int):
    answer = posts.get_answer(answer_id, viewer=auth.current())
    url = answer_url(answer)
    return act(lambda: acceptance.accept_answer(answer_id, auth.current()), done=url, back=url,
               message=_("Answer accepted. Thanks for closing the loop!"), here=f"{answer_anchor(answer_id)}-status")


@bp.post("/answers/<int:answer_id>/unaccept")
@auth.login_required
def unaccept(answer_id: int):
    answer = posts.get_answer(answer_id, viewer=auth.current())
    url = answer_url(answer)
    return act(lambda: acceptance.unaccept_answer(answer_id, auth.current()), done=url, back=url,
               message=_("Acceptance removed."), here=f"{answer_anchor(answer_id)}-status")


@bp.post("/answers/<int:answer_id>/comments")
@auth.login_required
def comment(answer_id: int):
    form = CommentForm()
    answer = posts.get_answer(answer_id, viewer=auth.current())
    url = answer_url(answer)
    return act(lambda: comments.post_comment(auth.current(), PostKind.ANSWER, answer_id, body=form.body.data),
               done=url, back=url, message=_("Comment added."), here=f"{answer_anchor(answer_id)}-comments")


@bp.post("/comments/<int:comment_id>/delete")
@auth.login_required
@transactional
def delete_comment(comment_id: int):
    question_id = comments.delete_comment(comment_id, auth.current())
    flash(_("Comment deleted."), "success")
    return redirect(question_url(posts.get_question(question_id, viewer=auth.current())))


@bp.get("/answers/<int:answer_id>/revisions")
def revisions(answer_id: int):
    post, rows = queries.revisions("answer", answer_id, auth.current())
    return render_template("questions/revisions.html", post=post, q=post.question, kind="answer",
                           revisions=with_diffs(rows))

