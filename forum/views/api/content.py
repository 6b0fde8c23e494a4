"""API routes for products, tags, questions, answers, comments, votes and acceptance."""

from flask import current_app, jsonify, request

from forum.services import acceptance, answers, comments, profile_fields, queries, questions, votes
from forum.services.care import status as care_status
from forum.services.errors import ValidationFailed
from forum.transaction import transactional, unit_of_work
from forum.views.api import actor, body, bp, text_field, viewer
from forum.views.api import serialize as out
from reputation.events import PostKind


def paging() -> tuple[int, int]:
    return queries.check_paging(request.args.get("page", 1), request.args.get("per_page", 20),
                                maximum=current_app.config["API_MAX_PER_PAGE"])


@bp.get("/products")
def products():
    items = [{"slug": p.slug, "name": p.name, "description": p.description, "question_count": n}
             for p, n in queries.products()]
    return jsonify(items=items, page=1, per_page=len(items), total=len(items))


@bp.get("/tags")
def tags():
    page, per_page = paging()
    result = queries.tags(page=page, per_page=per_page)
    return jsonify(out.page(result, lambda row: {"name": row[0].name, "description": row[0].description,
                                                 "question_count": row[1]}))


@bp.get("/questions")
def list_questions():
    page, per_page = paging()
    result = queries.list_questions(request.args.get("sort", "newest"), product=request.args.get("product"),
                                    tag=request.args.get("tag"), page=page, per_page=per_page)
    timing = care_status.timings(result.items)
    return jsonify(out.page(result, lambda q: {**out.question_summary(q), **out.care_timing(timing[q.id])}))


def _thread_json(question_id: int):
    thread = queries.load_thread(question_id, viewer())
    timing = care_status.timings([thread.question])[thread.question.id]
    return {**out.question_detail(thread), **out.care_timing(timing)}


@bp.post("/questions")
@transactional
def ask():
    data = body()
    tags_value = data.get("tags")
    if not isinstance(tags_value, (list, str)):
        raise ValidationFailed("“tags” must be a list of strings.", fields={"tags": "Expected a list of strings."})
    product = data.get("product")
    if not isinstance(product, (str, int)) or isinstance(product, bool):
        raise ValidationFailed("“product” must be a product slug.", fields={"product": "Expected a product slug."})
    answers = data.get("fields", {})
    if not isinstance(answers, dict):
        raise ValidationFailed("“fields” must be an object of answers by field key.",
                               fields={"fields": "Expected an object, e.g. {\"serial_number\": \"NW-1234\"}."})
    with unit_of_work():
        question = profile_fields.ask_with_answers(
            actor(), title=text_field(data, "title"), body=text_field(data, "body"), tags=tags_value,
            product=product, raw=lambda field: answers.get(field.key), name=lambda field: f"fields.{field.key}",
            unknown=list(answers))
    return jsonify(_thread_json(question.id)), 201


@bp.get("/questions/<int:question_id>")
def show_question(question_id: int):
    return jsonify(_thread_json(question_id))


@bp.patch("/questions/<int:question_id>")
@transactional
def edit_question(question_id: int):
    data = body()
    tags_value = data.get("tags")
    if tags_value is not None and not isinstance(tags_value, (list, str)):
        raise ValidationFailed("“tags” must be a list of strings.", fields={"tags": "Expected a list of strings."})
    questions.edit_question(question_id, actor(), title=text_field(data, "title", required=False),
                            body=text_field(data, "body", required=False), tags=tags_value,
                            comment=text_field(data, "comment", required=False) or "")
    return jsonify(_thread_json(question_id))


@bp.delete("/questions/<int:question_id>")
@transactional
def delete_question(question_id: int):
    questions.delete_question(question_id, actor())
    return "", 204


@bp.post("/questions/<int:question_id>/answers")
@transactional
def post_answer(question_id: int):
    answer = answers.post_answer(question_id, actor(), body=text_field(body(), "body"))
    return jsonify(out.answer(answer, answer.question.accepted_answer_id)), 201


@bp.patch("/answers/<int:answer_id>")
@transactional
def edit_answer(answer_id: int):
    data = body()
    answer = answers.edit_answer(answer_id, actor(), body=text_field(data, "body"),
                                 comment=text_field(data, "comment", required=False) or "")
    return jsonify(out.answer(answer, answer.question.accepted_answer_id))


@bp.delete("/answers/<int:answer_id>")
@transactional
def delete_answer(answer_id: int):
    answers.delete_answer(answer_id, actor())
    return "", 204


def _comment(kind: PostKind, post_id: int):
    comment = comments.post_comment(actor(), kind, post_id, body=text_field(body(), "body"))
    return jsonify(out.comment(comment)), 201


@bp.post("/questions/<int:question_id>/comments")
@transactional
def comment_question(question_id: int):
    return _comment(PostKind.QUESTION, question_id)


@bp.post("/answers/<int:answer_id>/comments")
@transactional
def comment_answer(answer_id: int):
    return _comment(PostKind.ANSWER, answer_id)


def _vote(kind: PostKind, post_id: int):
    value = body().get("value")
    if isinstance(value, bool) or value not in (1, -1, 0):
        raise ValidationFailed("“value” must be 1, -1 or 0.", fields={"value": "Use 1 (up), -1 (down) or 0 (retract)."})
    score = votes.vote(actor(), kind, post_id, value)
    return jsonify(score=score, vote=value)


@bp.post("/questions/<int:question_id>/vote")
@transactional
def vote_question(question_id: int):
    return _vote(PostKind.QUESTION, question_id)


@bp.post("/answers/<int:answer_id>/vote")
@transactional
def vote_answer(answer_id: int):
    return _vote(PostKind.ANSWER, answer_id)


@bp.post("/answers/<int:answer_id>/accept")
@transactional
def accept(answer_id: int):
    question_id = acceptance.accept_answer(answer_id, actor())
    return jsonify(question_id=question_id, accepted_answer_id=answer_id)


@bp.delete("/answers/<int:answer_id>/accept")
@transactional
def unaccept(answer_id: int):
    question_id = acceptance.unaccept_answer(answer_id, actor())
    return jsonify(question_id=question_id, accepted_answer_id=None)
