"""The moderator console (/mod), plus the member-facing flag buttons and suggested edits.

Everything under /mod is for moderators and admins: one before_request check (the same
permission the API uses) answers 403 to everyone else, visitors and agents included.
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum import auth
from forum import sso as sso_providers
from forum.forms import EditAnswerForm, EditQuestionForm, apply_errors
from forum.models import CloseReason, ReviewKind, ReviewOutcome, WatchedAction
from forum.policy import Permission, require
from forum.services import posts, profile_fields, sso
from forum.services.errors import ServiceError, ValidationFailed
from forum.transaction import unit_of_work
from forum.urls import answer_anchor, answer_url, question_url
from forum.views.accounts import safe_next
from forum.views.common import act, page_arg
from moderation import (
    account_deletion,
    actions,
    audit,
    console,
    flags,
    queue,
    review,
    settings,
    spam,
    suggestions,
    suspensions,
)
from reputation.events import PostKind
from reputation.rules import LABELS

REPUTATION_LABELS = {event.value: label for event, label in LABELS.items()}

bp = Blueprint("mod", __name__, url_prefix="/mod")
bp.add_app_template_global(audit.target_label, "audit_target")
flags_bp = Blueprint("flags", __name__)
suggestions_bp = Blueprint("suggestions", __name__)

QUEUE_PER_PAGE = 20
AUDIT_PER_PAGE = 50


@bp.before_request
def moderators_only():
    require(auth.current(), Permission.MODERATE)


@bp.get("/")
def dashboard():
    return render_template("mod/dashboard.html", board=console.dashboard(), kinds=list(ReviewKind), label=audit.label)


@bp.get("/queue")
def queue_list():
    kind = queue.parse_kind(request.args.get("kind"))
    page = queue.open_items(kind, page=page_arg(), per_page=QUEUE_PER_PAGE)
    return render_template("mod/queue.html", page=page, kind=kind, kinds=list(ReviewKind), counts=queue.counts(),
                           recent=queue.handled_items(limit=10), quick=_quick_decision)


def _quick_decision(entry) -> tuple[str, str] | None:
    """The one-click decision a queue card offers (outcome, button text): the post is fine."""
    if entry.kind == "suggested_edit":
        return None
    outcome = review.outcomes_for(entry)[0]
    if outcome.value == "dismissed":
        return outcome.value, _("Dismiss flags (post is fine)")
    return outcome.value, _("Approve (post is fine)")


@bp.get("/queue/<int:item_id>")
def item(item_id: int):
    entry = queue.get_item(item_id)
    return render_template("mod/item.html", item=entry, outcomes=review.outcomes_for(entry),
                           diff=_suggestion_diff(entry))


def _suggestion_diff(entry):
    if entry.suggested_edit is None:
        return []
    return suggestions.diff(entry.suggested_edit)


@bp.post("/queue/<int:item_id>")
def handle(item_id: int):
    form = request.form
    decision = review.Decision(outcome=form.get("outcome", ""), note=form.get("note", ""), body=form.get("body"),
                               title=form.get("title"), tags=form.get("tags"), until=form.get("until"),
                               suspension_reason=form.get("suspension_reason"))
    from_queue = form.get("return_to") == "queue"
    back = url_for("mod.queue_list", kind=form.get("kind") or None) if from_queue else url_for(
        "mod.item", item_id=item_id)
    try:
        with unit_of_work():
            handled = review.handle(item_id, decision, moderator=auth.current())
    except ServiceError as exc:
        flash(exc.message if not exc.fields else f"{exc.message} " + " ".join(exc.fields.values()), "error")
        return redirect(back)
    flash(_("Review item #%(id)s: %(outcome)s — done.", id=handled.id,
            outcome=ReviewOutcome.label_of(handled.outcome).lower()), "success")
    if from_queue:
        return redirect(back)
    following = queue.open_items(queue.parse_kind(form.get("kind") or None), per_page=1).items
    return redirect(url_for("mod.item", item_id=following[0].id) if following else url_for("mod.queue_list"))


@bp.get("/audit")
def audit_log():
    args = request.args
    error = None
    try:
        filters = audit.parse_filters(args.get("actor"), args.get("action"), args.get("target"), args.get("since"),
                                      args.get("until"))
        page = audit.entries(filters, page=page_arg(), per_page=AUDIT_PER_PAGE)
    except ValidationFailed as exc:
        error, filters, page = " ".join(exc.fields.values()) or exc.message, audit.Filters(), None
    return render_template("mod/audit.html", page=page, filters=filters, error=error, args=args,
                           actions=audit.actions_in_use(), label=audit.label), 422 if error else 200


@bp.get("/members")
def members():
    text = request.args.get("q", "")
    return render_template("mod/members.html", q=text, found=console.find_members(text))


@bp.get("/members/<int:user_id>")
def member(user_id: int):
    return render_template("mod/member.html", record=console.member_record(user_id), label=audit.label,
                           rep_labels=REPUTATION_LABELS,
                           customer_answers=profile_fields.member_answers(user_id),
                           identities=sso.identities(user_id), provider_labels=sso_providers.labels())


@bp.post("/members/<int:user_id>/suspend")
def suspend(user_id: int):
    url = url_for("mod.member", user_id=user_id)
    return act(lambda: suspensions.suspend(user_id, moderator=auth.current(), until=request.form.get("until"),
                                           reason=request.form.get("reason")),
               done=url, back=url, message=_("The member is suspended."))


@bp.post("/members/<int:user_id>/unsuspend")
def unsuspend(user_id: int):
    url = url_for("mod.member", user_id=user_id)
    return act(lambda: suspensions.unsuspend(user_id, moderator=auth.current(), reason=request.form.get("reason", "")),
               done=url, back=url, message=_("The suspension is lifted."))


@bp.post("/members/<int:user_id>/delete")
def delete_member(user_id: int):
    url = url_for("mod.member", user_id=user_id)
    form = request.form
    return act(lambda: account_deletion.delete_account(user_id, moderator=auth.current(), reason=form.get("reason"),
                                                       confirmation=form.get("confirmation")),
               done=url, back=url,
               message=_("The account is deleted: personal data erased, posts kept as a former member's."))


@bp.get("/questions/<int:question_id>")
def thread(question_id: int):
    return render_template("mod/thread.html", record=console.thread_record(question_id),
                           close_reasons=list(CloseReason), label=audit.label)


def _thread_action(question_id: int, action, message: str):
    url = url_for("mod.thread", question_id=question_id)
    return act(action, done=url, back=url, message=message)


@bp.post("/questions/<int:question_id>/close")
def close(question_id: int):
    f = request.form
    return _thread_action(question_id, lambda: actions.close_question(
        question_id, moderator=auth.current(), reason=f.get("reason", ""), duplicate_of=f.get("duplicate_of"),
        note=f.get("note", "")), "The question is closed.")


@bp.post("/questions/<int:question_id>/reopen")
def reopen(question_id: int):
    return _thread_action(question_id, lambda: actions.reopen_question(
        question_id, moderator=auth.current(), note=request.form.get("note", "")), "The question is open again.")


@bp.post("/questions/<int:question_id>/lock")
def lock(question_id: int):
    return _thread_action(question_id, lambda: actions.lock_thread(
        question_id, moderator=auth.current(), note=request.form.get("note", "")), "The thread is locked.")


@bp.post("/questions/<int:question_id>/unlock")
def unlock(question_id: int):
    return _thread_action(question_id, lambda: actions.unlock_thread(
        question_id, moderator=auth.current(), note=request.form.get("note", "")), "The thread is unlocked.")


@bp.post("/questions/<int:question_id>/move")
def move(question_id: int):
    return _thread_action(question_id, lambda: actions.move_question(
        question_id, request.form.get("product", ""), moderator=auth.current(), note=request.form.get("note", "")),
        "The question is moved.")


@bp.post("/questions/<int:question_id>/merge")
def merge(question_id: int):
    url = url_for("mod.thread", question_id=question_id)
    try:
        with unit_of_work():
            target = actions.merge_question(question_id, request.form.get("into"), moderator=auth.current(),
                                            note=request.form.get("note", ""))
    except ServiceError as exc:
        flash(exc.message if not exc.fields else " ".join(exc.fields.values()), "error")
        return redirect(url)
    flash(_("Merged: the answers moved and this question is closed as its duplicate."), "success")
    return redirect(url_for("mod.thread", question_id=target.id))


POST_ACTIONS = {
    "delete": (actions.delete_post, "Deleted."),
    "undelete": (actions.undelete_post, "Restored."),
    "spam": (actions.delete_as_spam, "Deleted as spam; the author lost 100 reputation."),
}


@bp.post("/<any(question, answer, comment):kind>/<int:post_id>/<any(delete, undelete, spam):action>")
def post_action(kind: str, post_id: int, action: str):
    back = safe_next(request.form.get("back"), url_for("mod.dashboard"))
    function, message = POST_ACTIONS[action]
    return act(lambda: function(kind, post_id, moderator=auth.current(), reason=request.form.get("reason", "")),
               done=back, back=back, message=message)


@bp.get("/settings")
def settings_page():
    return render_template("mod/settings.html", words=spam.watched_words(), thresholds=settings.THRESHOLDS,
                           values=settings.thresholds(), errors={}, actions=list(WatchedAction))


@bp.post("/settings/thresholds")
def save_thresholds():
    try:
        with unit_of_work():
            settings.update(request.form.to_dict(), actor=auth.current())
    except ValidationFailed as exc:
        return render_template("mod/settings.html", words=spam.watched_words(), thresholds=settings.THRESHOLDS,
                               values=request.form.to_dict(), errors=exc.fields, actions=list(WatchedAction)), 422
    flash(_("Thresholds saved."), "success")
    return redirect(url_for("mod.settings_page"))


@bp.post("/settings/words")
def add_word():
    url = url_for("mod.settings_page", _anchor="watched-words")
    return act(lambda: spam.add_watched_word(request.form.get("phrase", ""), request.form.get("action", ""),
                                             actor=auth.current()),
               done=url, back=url, message=_("Watched word added."))


@bp.post("/settings/words/<int:word_id>/delete")
def remove_word(word_id: int):
    url = url_for("mod.settings_page", _anchor="watched-words")
    return act(lambda: spam.remove_watched_word(word_id, actor=auth.current()), done=url, back=url,
               message=_("Watched word removed."))


# --- members: flags and suggested edits ---------------------------------------------------------


def _flag(kind: str, target_id: int):
    target = flags.get_target(kind, target_id, viewer=auth.current())
    question = target if kind == "question" else posts.get_question(target.question_id, viewer=auth.current())
    if kind == "comment":
        here = f"{answer_anchor(target.answer_id)}-comments" if target.answer_id else "question-comments"
    else:
        here = {"question": "question-status", "answer": f"{answer_anchor(target_id)}-status"}[kind]
    url = question_url(question)
    return act(lambda: flags.flag(kind, target_id, actor=auth.current(), reason=request.form.get("reason", ""),
                                  text=request.form.get("text", "")),
               done=url, back=url, message=_("Thanks! Moderators will review your flag."), here=here,
               error_here=f"flag-{kind}-{target_id}")


@flags_bp.post("/questions/<int:question_id>/flag")
@auth.login_required
def flag_question(question_id: int):
    return _flag("question", question_id)


@flags_bp.post("/answers/<int:answer_id>/flag")
@auth.login_required
def flag_answer(answer_id: int):
    return _flag("answer", answer_id)


@flags_bp.post("/comments/<int:comment_id>/flag")
@auth.login_required
def flag_comment(comment_id: int):
    return _flag("comment", comment_id)


@suggestions_bp.route("/questions/<int:question_id>/suggest-edit", methods=["GET", "POST"])
@auth.login_required
def suggest_question_edit(question_id: int):
    question = posts.get_question(question_id, viewer=auth.current())
    require(auth.current(), Permission.POST_SUGGEST_EDIT, question)
    form = EditQuestionForm()
    if request.method == "GET":
        form.title.data, form.body.data = question.title, question.body_md
        form.tags.data = " ".join(t.name for t in question.tags)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                suggestions.suggest_edit(PostKind.QUESTION, question_id, actor=auth.current(), title=form.title.data,
                                         body=form.body.data, tags=form.tags.data, comment=form.comment.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields or {"form": exc.message})
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(question_url(question))
        else:
            flash(_("Thanks! Your edit is waiting for a moderator; it shows once approved."), "success")
            return redirect(question_url(question))
    return render_template("mod/suggest_edit.html", form=form, q=question, answer=None), 422 if form.errors else 200


@suggestions_bp.route("/answers/<int:answer_id>/suggest-edit", methods=["GET", "POST"])
@auth.login_required
def suggest_answer_edit(answer_id: int):
    answer = posts.get_answer(answer_id, viewer=auth.current())
    require(auth.current(), Permission.POST_SUGGEST_EDIT, answer)
    form = EditAnswerForm()
    url = answer_url(answer)
    if request.method == "GET":
        form.body.data = answer.body_md
    if form.validate_on_submit():
        try:
            with unit_of_work():
                suggestions.suggest_edit(PostKind.ANSWER, answer_id, actor=auth.current(), body=form.body.data,
                                         comment=form.comment.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields or {"form": exc.message})
        except ServiceError as exc:
            flash(exc.message, "error")
            return redirect(url)
        else:
            flash(_("Thanks! Your edit is waiting for a moderator; it shows once approved."), "success")
            return redirect(url)
    return render_template("mod/suggest_edit.html", form=form, q=answer.question, answer=answer), (
        422 if form.errors else 200)

