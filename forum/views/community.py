"""Community moderation by privilege: the review queue (first posts, suggested edits) and close votes."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum import auth
from forum.models import CloseReason, ReviewOutcome
from forum.policy import Permission, can, require
from forum.services import posts
from forum.services.errors import ServiceError
from forum.transaction import unit_of_work
from forum.urls import question_url
from forum.views.common import act, page_arg
from moderation import close_votes, community_review, suggestions

bp = Blueprint("community", __name__)


def _in_unit_of_work(action):
    def run():
        with unit_of_work():
            action()
    return run


@bp.get("/review")
@auth.login_required
def review():
    me = auth.current()
    require(me, Permission.REVIEW)
    page = community_review.open_items(me, page=page_arg())
    decisions = {item.id: [(o.value, community_review.label(item, o))
                           for o in community_review.OUTCOMES[item.kind]] for item in page.items}
    diffs = {item.id: suggestions.diff(item.suggested_edit) for item in page.items if item.suggested_edit}
    return render_template("review/index.html", page=page, decisions=decisions, diffs=diffs)


@bp.post("/review/<int:item_id>")
@auth.login_required
def decide(item_id: int):
    me = auth.current()
    outcome = request.form.get("outcome", "")
    url = url_for("community.review")
    message = "Thanks: the edit is applied." if outcome == ReviewOutcome.APPROVED.value else "Thanks for reviewing."
    return act(_in_unit_of_work(lambda: community_review.decide(item_id, reviewer=me, outcome=outcome,
                                                                note=request.form.get("note", ""))),
               done=url, back=url, message=message)


@bp.post("/questions/<int:question_id>/close-votes")
@auth.login_required
def vote_to_close(question_id: int):
    me = auth.current()
    question = posts.get_question(question_id, viewer=me)
    url = question_url(question, "close-votes")
    try:
        with unit_of_work():
            closed = close_votes.vote_to_close(question_id, voter=me, reason=request.form.get("reason"),
                                               duplicate_of=request.form.get("duplicate_of"))
    except ServiceError as exc:
        flash(exc.message if not exc.fields else f"{exc.message} " + " ".join(exc.fields.values()), "error")
        return redirect(url)
    flash("Your vote closed the question." if closed else "Your close vote is recorded.", "success")
    return redirect(url)


@bp.post("/questions/<int:question_id>/close-votes/retract")
@auth.login_required
def retract_close_vote(question_id: int):
    me = auth.current()
    question = posts.get_question(question_id, viewer=me)
    url = question_url(question, "close-votes")
    return act(_in_unit_of_work(lambda: close_votes.retract(question_id, voter=me)), done=url, back=url,
               message=_("Your close vote is withdrawn."))


def close_vote_context(question, viewer) -> dict:
    """What the thread page shows about close votes: the policy's answer and the standing."""
    if viewer is None or question.is_closed or question.is_deleted:
        return {"close_votes": None}
    standing = close_votes.standing(question, viewer)
    allowed = can(viewer, Permission.QUESTION_VOTE_CLOSE, question)
    if not allowed and standing.my_vote is None:
        return {"close_votes": None}
    return {"close_votes": standing, "can_vote_close": allowed and standing.my_vote is None,
            "close_reasons": list(CloseReason)}
