"""Knowledge base pages: article lists, articles, publishing from a thread, editing, history."""

from flask import Blueprint, abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from forum import auth, pagecache
from forum.extensions import db
from forum.forms import ActionForm
from forum.models import Answer, ArticleState, Product
from forum.policy import Permission, can, require, visibility
from forum.services import posts, queries, satisfaction, self_service
from forum.services.errors import ValidationFailed
from forum.transaction import unit_of_work
from forum.urls import article_url, question_url, slugify
from forum.views.common import act, page_arg, self_service_watched
from forum.views.questions import with_diffs
from moderation import knowledge

bp = Blueprint("knowledge", __name__)


@bp.get("/kb")
@pagecache.for_anonymous()
def index():
    product_slug = request.args.get("product") or None
    product = queries.get_product(product_slug) if product_slug else None
    tag = request.args.get("tag") or None
    page = knowledge.list_articles(product_id=product.id if product else None, tag=tag, page=page_arg())
    products = db.session.scalars(select(Product).order_by(Product.name)).all()
    return render_template("knowledge/index.html", page=page, product=product, tag=tag, products=products)


@bp.get("/kb/<int:article_id>")
@bp.get("/kb/<int:article_id>/<slug>")
@pagecache.for_anonymous()
def show(article_id: int, slug: str | None = None):
    article = knowledge.get_article(article_id, viewer=auth.current())
    if slug != slugify(article.title):
        return redirect(article_url(article), code=301)
    source = posts.get_question(article.question_id) if article.question_id else None
    me = auth.current()
    if article.state == ArticleState.PUBLISHED and self_service_watched():
        with unit_of_work():
            self_service.opened(me, article.product_id)
    helpful = satisfaction.helpful_count("article", article.id, me) if article.state == ArticleState.PUBLISHED else None
    return render_template("knowledge/show.html", article=article, source=source, action_form=ActionForm(),
                           states=list(ArticleState),
                           helpful=helpful, can_vote_helpful=can(me, Permission.HELPFUL_VOTE))


@bp.get("/kb/<int:article_id>/history")
def history(article_id: int):
    article = knowledge.get_article(article_id, viewer=auth.current())
    rows = knowledge.versions(article)
    return render_template("knowledge/history.html", article=article, versions=with_diffs(rows))


@bp.route("/kb/<int:article_id>/edit", methods=["GET", "POST"])
@auth.login_required
def edit(article_id: int):
    me = auth.current()
    require(me, Permission.ARTICLE_EDIT)
    article = knowledge.get_article(article_id, viewer=me)
    values = {"title": article.title, "summary": article.summary, "body": article.body_md,
              "tags": " ".join(t.name for t in article.tags), "note": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        values = {k: request.form.get(k, "") for k in values}
        try:
            with unit_of_work():
                knowledge.edit_article(article.id, actor=me, title=values["title"], summary=values["summary"],
                                       body=values["body"], tags=values["tags"], note=values["note"])
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            flash(_("Saved as a new version."), "success")
            return redirect(article_url(article))
    return render_template("knowledge/edit.html", article=article, values=values, errors=errors,
                           action_form=ActionForm()), 422 if errors else 200


@bp.post("/kb/<int:article_id>/state")
@auth.login_required
def change_state(article_id: int):
    me = auth.current()
    article = knowledge.get_article(article_id, viewer=me)
    state = request.form.get("state", "")
    return act(lambda: knowledge.set_state(article.id, state, actor=me), done=article_url(article),
               back=article_url(article), message=f"The article is now {state}.")


@bp.route("/questions/<int:question_id>/publish", methods=["GET", "POST"])
@auth.login_required
def publish(question_id: int):
    me = auth.current()
    require(me, Permission.ARTICLE_PUBLISH)
    question = posts.get_question(question_id, viewer=me)
    answers = db.session.scalars(select(Answer).where(Answer.question_id == question.id,
                                                      visibility.public_answers(with_question=False))
                                 .order_by(Answer.score.desc())).all()
    if not answers:
        flash(_("This thread has no answer to publish yet."), "error")
        return redirect(question_url(question))
    chosen = request.values.get("answer_id", type=int) or question.accepted_answer_id or answers[0].id
    answer = next((a for a in answers if a.id == chosen), answers[0])
    values = {"title": question.title, "summary": knowledge._summary_of(question), "body": answer.body_md,
              "tags": " ".join(t.name for t in question.tags), "note": ""}
    errors: dict[str, str] = {}
    preview = None
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        values = {k: request.form.get(k, "") for k in values}
        if request.form.get("action") == "preview":
            try:
                preview = knowledge.preview_article(actor=me, title=values["title"], summary=values["summary"],
                                                    body=values["body"], tags=values["tags"])
            except ValidationFailed as exc:
                errors = exc.fields or {"answer_id": exc.message}
            return render_template("knowledge/publish.html", question=question, answers=answers, answer=answer,
                                   values=values, errors=errors, preview=preview,
                                   action_form=ActionForm()), 422 if errors else 200
        try:
            with unit_of_work():
                article = knowledge.publish_answer(question.id, answer_id=answer.id, actor=me, title=values["title"],
                                                   summary=values["summary"], body=values["body"], tags=values["tags"],
                                                   note=values["note"])
        except ValidationFailed as exc:
            errors = exc.fields or {"answer_id": exc.message}
        else:
            flash(_("Published: this answer is now a knowledge article. Its author earned 25 reputation."), "success")
            return redirect(article_url(article))
    return render_template("knowledge/publish.html", question=question, answers=answers, answer=answer,
                           values=values, errors=errors, action_form=ActionForm()), 422 if errors else 200
