"""API routes for products, tags, questions, answers, comments, votes and acceptance."""

from functools import partial

from forum import i18n
from forum.services import acceptance, answers, comments, profile_fields, queries, questions, votes
from forum.services.care import status as care_status
from forum.transaction import unit_of_work
from forum.views.api import actor, bp, viewer
from forum.views.api import schemas as s
from forum.views.api import serialize as out
from forum.views.api.operations import operation
from reputation.events import PostKind

api = partial(operation, bp)
QUESTION_LINKS = {"GetQuestion": {"operationId": "show_question", "parameters": {"question_id": "$response.body#/id"}},
                  "AnswerQuestion": {"operationId": "post_answer", "parameters": {"question_id": "$response.body#/id"}}}
ANSWER_LINKS = {"EditAnswer": {"operationId": "edit_answer", "parameters": {"answer_id": "$response.body#/id"}},
                "GetThread": {"operationId": "show_question",
                              "parameters": {"question_id": "$response.body#/question_id"}}}


@api("GET", "/products", summary="List products", tag="content", token=False, response=s.ProductList)
def products():
    items = [{"slug": p.slug, "name": p.name, "description": p.description, "question_count": n}
             for p, n in queries.products()]
    return {"items": items, "page": 1, "per_page": len(items), "total": len(items)}


@api("GET", "/tags", summary="List tags, most used first", tag="content", token=False, query=s.Paging,
     response=s.TagList)
def tags(query: s.Paging):
    result = queries.tags(page=query.page, per_page=query.per_page)
    return out.page(result, lambda row: {"name": row[0].name, "description": row[0].description,
                                         "question_count": row[1]})


@api("GET", "/questions", summary="List questions, with each one's state", tag="content", token=False,
     query=s.QuestionsQuery, response=s.QuestionList)
def list_questions(query: s.QuestionsQuery):
    result = queries.list_questions(query.sort, product=query.product, tag=query.tag, language=query.lang,
                                    page=query.page, per_page=query.per_page)
    timing = care_status.timings(result.items)
    return out.page(result, lambda q: {**out.question_summary(q), **out.care_timing(timing[q.id])})


def thread_json(question_id: int) -> dict:
    thread = queries.load_thread(question_id, viewer())
    timing = care_status.timings([thread.question])[thread.question.id]
    return {**out.question_detail(thread, viewer()), **out.care_timing(timing)}


@api("POST", "/questions", summary="Ask a question", tag="content", body=s.QuestionIn, response=s.QuestionDetail,
     status=201, links=QUESTION_LINKS)
def ask(data: s.QuestionIn):
    user = actor()
    with unit_of_work():
        question = profile_fields.ask_with_answers(
            user, title=data.title, body=data.body, tags=data.tags, product=data.product,
            raw=lambda field: data.fields.get(field.key), name=lambda field: f"fields.{field.key}",
            unknown=list(data.fields), language=data.language or i18n.chosen_language().value)
    return thread_json(question.id)


@api("GET", "/questions/<int:question_id>", tag="content", token=False, response=s.QuestionDetail,
     summary="A question with its state, answers, comments, accepted answer and public support case")
def show_question(question_id: int):
    return thread_json(question_id)


@api("PATCH", "/questions/<int:question_id>", summary="Edit a question (new revision)", tag="content",
     body=s.QuestionEdit, response=s.QuestionDetail)
def edit_question(question_id: int, data: s.QuestionEdit):
    questions.edit_question(question_id, actor(), title=data.title, body=data.body, tags=data.tags,
                            language=data.language, comment=data.comment or "")
    return thread_json(question_id)


@api("DELETE", "/questions/<int:question_id>", summary="Delete your question", tag="content", status=204)
def delete_question(question_id: int):
    questions.delete_question(question_id, actor())


@api("POST", "/questions/<int:question_id>/answers", summary="Answer a question", tag="content", body=s.AnswerIn,
     response=s.AnswerOut, status=201, links=ANSWER_LINKS)
def post_answer(question_id: int, data: s.AnswerIn):
    answer = answers.post_answer(question_id, actor(), body=data.body)
    return out.answer(answer, answer.question.accepted_answer_id)


@api("PATCH", "/answers/<int:answer_id>", summary="Edit an answer (new revision)", tag="content",
     body=s.AnswerEdit, response=s.AnswerOut)
def edit_answer(answer_id: int, data: s.AnswerEdit):
    answer = answers.edit_answer(answer_id, actor(), body=data.body, comment=data.comment or "")
    return out.answer(answer, answer.question.accepted_answer_id)


@api("DELETE", "/answers/<int:answer_id>", summary="Delete your answer", tag="content", status=204)
def delete_answer(answer_id: int):
    answers.delete_answer(answer_id, actor())


@api("POST", "/questions/<int:question_id>/comments", summary="Comment on a question", tag="content",
     body=s.CommentIn, response=s.CommentOut, status=201)
def comment_question(question_id: int, data: s.CommentIn):
    return out.comment(comments.post_comment(actor(), PostKind.QUESTION, question_id, body=data.body))


@api("POST", "/answers/<int:answer_id>/comments", summary="Comment on an answer", tag="content",
     body=s.CommentIn, response=s.CommentOut, status=201)
def comment_answer(answer_id: int, data: s.CommentIn):
    return out.comment(comments.post_comment(actor(), PostKind.ANSWER, answer_id, body=data.body))


@api("POST", "/questions/<int:question_id>/vote", summary="Vote on a question: 1 up, -1 down, 0 retract",
     tag="content", body=s.VoteIn, response=s.VoteResult)
def vote_question(question_id: int, data: s.VoteIn):
    return {"score": votes.vote(actor(), PostKind.QUESTION, question_id, data.value), "vote": data.value}


@api("POST", "/answers/<int:answer_id>/vote", summary="Vote on an answer: 1 up, -1 down, 0 retract",
     tag="content", body=s.VoteIn, response=s.VoteResult)
def vote_answer(answer_id: int, data: s.VoteIn):
    return {"score": votes.vote(actor(), PostKind.ANSWER, answer_id, data.value), "vote": data.value}


@api("POST", "/answers/<int:answer_id>/accept", summary="Accept an answer (asker only)", tag="content",
     response=s.AcceptResult)
def accept(answer_id: int):
    return {"question_id": acceptance.accept_answer(answer_id, actor()), "accepted_answer_id": answer_id}


@api("DELETE", "/answers/<int:answer_id>/accept", summary="Remove the acceptance (asker only)", tag="content",
     response=s.AcceptResult)
def unaccept(answer_id: int):
    return {"question_id": acceptance.unaccept_answer(answer_id, actor()), "accepted_answer_id": None}
