"""Question lists, the thread page, asking, editing, voting and history."""

import difflib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from forum import auth, i18n, markup, pagecache, security
from forum.forms import ActionForm, AnswerForm, AskForm, CommentForm, EditQuestionForm, apply_errors
from forum.models import CasePriority, CaseStatus, Language
from forum.policy import Permission, can, refusal, require, suspension_notice
from forum.services import (
    badges,
    comments,
    posts,
    profile_fields,
    queries,
    questions,
    satisfaction,
    self_service,
    viewcounts,
    votes,
)
from forum.services.care import first_response
from forum.services.care import status as care_status
from forum.services.errors import ValidationFailed
from forum.templating import open_form
from forum.transaction import unit_of_work
from forum.urls import question_url, slugify
from forum.views import community
from forum.views import profile_fields as field_views
from forum.views.common import act, page_arg, per_page, self_service_watched
from reputation.events import PostKind

bp = Blueprint("questions", __name__)

SORT_LABELS = {"newest": _l("Newest"), "active": _l("Active"), "top": _l("Top"), "unanswered": _l("Unanswered"),
               "waiting": _l("Waiting")}


def _sort() -> str:
    sort = request.args.get("sort", "active")
    if sort not in queries.SORTS:
        abort(400, description=f"Unknown sort “{sort[:30]}”: use newest, active, top, unanswered or waiting.")
    return sort


def content_language() -> str | None:
    """The `?lang=` filter of a list: a shipped language code, or None for every language."""
    code = request.args.get("lang", "").strip().lower()
    if code and code not in Language._value2member_map_:
        abort(400, description=_("Unknown language “%(code)s”: use one of %(codes)s.", code=code[:30],
                                 codes=", ".join(language.value for language in Language)))
    return code or None


def list_filters(language: str | None) -> dict:
    """What a question list's toolbar needs to offer the language filter and keep it across sorts."""
    return {"lang": language, "languages": list(Language)}


@bp.get("/")
@pagecache.for_anonymous()
def index():
    sort, language = _sort(), content_language()
    page = queries.list_questions(sort, language=language, page=page_arg(), per_page=per_page())
    return render_template("questions/index.html", page=page, sort=sort, sorts=SORT_LABELS,
                           heading=_("All questions"), products=queries.products(),
                           waiting=care_status.waiting_markers(page.items), **list_filters(language))


@bp.get("/questions")
def listing():
    return index()


def product_choices() -> list[tuple[str, str]]:
    """The ask form's products, after an empty first choice: the asker picks one, nothing is assumed."""
    products = [(p.slug, p.name) for p, _count in queries.products()]
    return [("", _("Choose a product…")), *products]


POPULAR_TAGS = 12


def ask_aids() -> dict:
    """What the ask page offers beside the fields: popular tags to pick from, and the length limits."""
    return {"popular_tags": [tag.name for tag, _count in queries.tags(per_page=POPULAR_TAGS).items],
            "limits": {"title": (posts.TITLE_MIN, posts.TITLE_MAX), "body": (posts.BODY_MIN, posts.BODY_MAX)}}


@bp.route("/questions/ask", methods=["GET", "POST"])
@auth.login_required
def ask():
    form = AskForm()
    form.product.choices = product_choices()
    if request.method == "GET" and request.args.get("product"):
        form.product.data = request.args["product"]
    if request.method == "GET":
        form.language.data = i18n.current_language().value  # members usually write in the language they read
    details = profile_fields.active_fields_by_product()  # each product's customer profile fields
    answer_errors: dict[str, str] = {}
    if request.method == "GET" and request.args.get("title"):
        form.title.data = request.args["title"][:150]
    wait = 0
    preview = None
    if request.method == "POST" and request.form.get("action") == "preview":
        if not form.validate_on_submit():
            abort(400)
        preview = markup.render_markdown(form.body.data or "")
    elif form.validate_on_submit():
        wait = security.form_limit_wait()
        if wait:
            form.form_errors.append(_("New members can post one question every few minutes: you can post again in "
                                      "%(wait_text)s. Your question is kept below.",
                                      wait_text=security.wait_text(wait)))
        else:
            try:
                with unit_of_work():
                    question = profile_fields.ask_with_answers(
                        auth.current(), title=form.title.data, body=form.body.data, tags=form.tags.data,
                        product=form.product.data, raw=field_views.form_answer, name=field_views.input_name,
                        language=i18n.current_language().value if form.language.data is None else form.language.data)
            except ValidationFailed as exc:
                answer_errors = {k: v for k, v in exc.fields.items() if k.startswith("pf-")}
                apply_errors(form, {k: v for k, v in exc.fields.items() if not k.startswith("pf-")})
            else:
                flash(_("Your question is posted. You'll see answers here."), "success")
                return redirect(question_url(question))
    if request.method == "POST":
        answers = {f.id: request.form.get(field_views.input_name(f), "") for fs in details.values() for f in fs}
    else:
        answers = profile_fields.prefill(auth.current(), [f for fs in details.values() for f in fs])
    return render_template("questions/ask.html", form=form, details=[(fs[0].product, fs) for fs in details.values()],
                           answers=answers, answer_errors=answer_errors, input_name=field_views.input_name,
                           preview=preview, **ask_aids()), (
        429 if wait else 422 if form.errors or answer_errors else 200), ({"Retry-After": str(wait)} if wait else {})


@bp.get("/questions/<int:question_id>")
@bp.get("/questions/<int:question_id>/<slug>")
@pagecache.for_anonymous(on_hit=lambda question_id, slug=None: viewcounts.count_view(question_id))
def show(question_id: int, slug: str | None = None):
    thread = queries.load_thread(question_id, auth.current())
    if slug != slugify(thread.question.title):
        return redirect(question_url(thread.question), code=301)
    viewcounts.count_view(question_id)
    if self_service_watched() and first_response.is_solved(question_id):
        with unit_of_work():
            self_service.opened(auth.current(), thread.question.product_id)
    return render_thread(thread, AnswerForm() if auth.current() else None)


def support_choices(thread, viewer) -> dict[str, bool]:
    """What the support banner offers this viewer: the policy's answers, and the case's state."""
    case, question = thread.case, thread.question
    staff_tools = viewer is not None and not question.is_deleted
    return {
        "can_work_case": can(viewer, Permission.CASE_WORK),
        "can_confirm_resolution": case is not None and case.status == CaseStatus.RESOLVED
        and can(viewer, Permission.CASE_RESPOND, case),
        # The asker talks to support on the thread while the case is not closed.
        "can_reply": case is not None and case.status != CaseStatus.CLOSED
        and can(viewer, Permission.CASE_RESPOND, case),
        # A closed case may be followed by a new one; an open or resolved one may not.
        "can_escalate": staff_tools and can(viewer, Permission.THREAD_ESCALATE)
        and (case is None or case.status == CaseStatus.CLOSED),
        "can_publish": staff_tools and can(viewer, Permission.ARTICLE_PUBLISH) and bool(thread.answers),
    }


def render_thread(thread, answer_form, status: int = 200):
    """The thread page; also re-rendered with an invalid answer form's messages.

    Visitors get no forms: building one puts a CSRF token in the session, which would give
    every anonymous reader a session cookie and make the page uncacheable. The policy decides
    whether this member may answer, and if not, the words that say why.
    """
    authors = [thread.question.author_id, *(a.author_id for a in thread.answers)]
    viewer = auth.current()
    member = viewer is not None
    answer_refusal = refusal(viewer, Permission.ANSWER_POST, thread.question) if member else None
    if answer_refusal is not None and answer_refusal == suspension_notice(viewer):  # the banner says the rest
        answer_refusal = "You can't answer while your account is suspended."
    accepted = thread.question.accepted_answer_id
    return render_template("questions/show.html", thread=thread, q=thread.question, answer_form=answer_form,
                           open_form=open_form() if member else None,
                           can_answer=member and answer_refusal is None, answer_refusal=answer_refusal,
                           case_priorities=list(CasePriority), support=support_choices(thread, viewer),
                           comment_form=CommentForm() if member else None,
                           action_form=ActionForm() if member else None,
                           badge_counts=badges.counts_by_user(authors),
                           wait=care_status.thread_status(thread, auth.current()),
                           public_answers=profile_fields.question_answers(thread.question.id, staff=False),
                           helpful=satisfaction.helpful_count("answer", accepted, auth.current()) if accepted else None,
                           can_vote_helpful=can(auth.current(), Permission.HELPFUL_VOTE),
                           **community.close_vote_context(thread.question, auth.current())), status


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@auth.login_required
def edit(question_id: int):
    question = questions.posts.get_question(question_id, viewer=auth.current())
    require(auth.current(), Permission.POST_EDIT, question)
    form = EditQuestionForm(obj=question if request.method == "GET" else None)
    if request.method == "GET":
        form.tags.data = " ".join(t.name for t in question.tags)
        form.body.data = question.body_md
    if form.validate_on_submit():
        try:
            with unit_of_work():
                questions.edit_question(question_id, auth.current(), title=form.title.data, body=form.body.data,
                                        tags=form.tags.data, language=form.language.data,
                                        comment=form.comment.data or "")
        except ValidationFailed as exc:
            apply_errors(form, exc.fields)
        else:
            flash(_("Your edit is saved."), "success")
            return redirect(question_url(question))
    return render_template("questions/edit.html", form=form, q=question), 422 if form.errors else 200


@bp.post("/questions/<int:question_id>/delete")
@auth.login_required
def delete(question_id: int):
    ActionForm().validate_on_submit()
    question = questions.posts.get_question(question_id, viewer=auth.current())
    return act(lambda: questions.delete_question(question_id, auth.current()),
               done=url_for("questions.index"), back=question_url(question), message=_("The question is deleted."))


@bp.post("/questions/<int:question_id>/undelete")
@auth.login_required
def undelete(question_id: int):
    question = questions.posts.get_question(question_id, viewer=auth.current())
    return act(lambda: questions.undelete_question(question_id, auth.current()),
               done=question_url(question), back=question_url(question), message=_("The question is restored."),
               here="question-status")


def vote_value() -> int:
    raw = request.form.get("value", "")
    if raw not in ("1", "-1", "0"):
        abort(400, description="A vote is 1, -1 or 0.")
    return int(raw)


@bp.post("/questions/<int:question_id>/vote")
@auth.login_required
def vote(question_id: int):
    value = vote_value()
    question = questions.posts.get_question(question_id, viewer=auth.current())
    return act(lambda: votes.vote(auth.current(), PostKind.QUESTION, question_id, value),
               done=question_url(question), back=question_url(question),
               message={1: _("Upvoted."), -1: _("Downvoted."), 0: _("Vote removed.")}[value], here="question-status")


@bp.post("/questions/<int:question_id>/comments")
@auth.login_required
def comment(question_id: int):
    form = CommentForm()
    question = questions.posts.get_question(question_id, viewer=auth.current())
    return act(lambda: comments.post_comment(auth.current(), PostKind.QUESTION, question_id, body=form.body.data),
               done=question_url(question), back=question_url(question), message=_("Comment added."),
               here="question-comments")


@bp.get("/questions/<int:question_id>/revisions")
def revisions(question_id: int):
    post, rows = queries.revisions("question", question_id, auth.current())
    return render_template("questions/revisions.html", post=post, q=post, kind="question",
                           revisions=with_diffs(rows))


def with_diffs(rows):
    """Pair each revision with its unified diff against the one before; the template escapes it."""
    result = []
    previous = None
    for rev in rows:
        tags = getattr(rev, "tags", None)
        text = ((rev.title + "\n\n") if rev.title else "") + rev.body_md + (f"\n\ntags: {tags}" if tags else "")
        lines = []
        if previous is not None:
            for line in difflib.unified_diff(previous.splitlines(), text.splitlines(), lineterm="", n=2):
                if line.startswith(("---", "+++")):
                    continue
                css = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
                lines.append((css, line))
        result.append((rev, lines, text))
        previous = text
    return list(reversed(result))

