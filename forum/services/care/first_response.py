"""What "first response" and "solved" mean: defined here once, used everywhere (thread page,
question lists, the waiting filter, the care run, the API, insights).

- **First response**: the first answer by someone other than the asker (still public: not
  deleted, not hidden pending review), or the first public staff update on the thread's case,
  whichever came first. Comments do not count: they ask for detail, they don't answer.
- **Solved**: the question has an accepted answer, or its case was resolved and the asker
  accepted the resolution (the case closed on the customer's own "Yes, close the case").

`responded_clause()` and `solved_clause()` are the SQL forms (correlated on `questions`), for
lists and batch work; the other functions answer for one question or a batch of ids.
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, exists, func, or_, select, union_all

from forum.extensions import db
from forum.models import Answer, Case, CaseUpdate, Question
from forum.policy import visibility


def _answer_responses():
    return (Answer.question_id == Question.id, Answer.author_id != Question.author_id,
            visibility.public_answers(with_question=False))


def _staff_update_responses():
    return (Case.question_id == Question.id, CaseUpdate.case_id == Case.id, CaseUpdate.public.is_(True),
            CaseUpdate.author_id != Question.author_id)


def responded_clause() -> ColumnElement[bool]:
    """True for questions that have had a first response (correlated with `Question`)."""
    return or_(exists().where(*_answer_responses()), exists().where(*_staff_update_responses()))


def waiting_clause() -> ColumnElement[bool]:
    return ~responded_clause()


def solved_clause() -> ColumnElement[bool]:
    """True for solved questions: an accepted answer, or a case closed by the asker's acceptance.

    The escalation workflow keeps `solved_by_support_at` set exactly while the latter holds.
    """
    return or_(Question.accepted_answer_id.is_not(None), Question.solved_by_support_at.is_not(None))


def first_responses(question_ids: list[int]) -> dict[int, datetime]:
    """When each question got its first response (two queries for any number of questions)."""
    if not question_ids:
        return {}
    found: dict[int, datetime] = {}
    answered = (select(Answer.question_id, func.min(Answer.created_at))
                .join(Question, Question.id == Answer.question_id)
                .where(Answer.question_id.in_(question_ids), *_answer_responses()[1:]).group_by(Answer.question_id))
    updated = (select(Case.question_id, func.min(CaseUpdate.created_at))
               .join(CaseUpdate, CaseUpdate.case_id == Case.id).join(Question, Question.id == Case.question_id)
               .where(Case.question_id.in_(question_ids), CaseUpdate.public.is_(True),
                      CaseUpdate.author_id != Question.author_id).group_by(Case.question_id))
    for query in (answered, updated):
        for question_id, when in db.session.execute(query):
            if when is not None and (question_id not in found or when < found[question_id]):
                found[question_id] = when
    return found


def first_response_rows(question_ids: Select):
    """The SQL form for aggregates (insights): a subquery with one row per question among
    `question_ids` (a SELECT of ids) that has a first response: question_id, responded_at and
    responder_id (who gave it)."""
    answers = (select(Answer.question_id.label("question_id"), Answer.created_at.label("at"),
                      Answer.author_id.label("by"), Answer.id.label("row_id"))
               .join(Question, Question.id == Answer.question_id)
               .where(Answer.question_id.in_(question_ids), *_answer_responses()[1:]))
    updates = (select(Case.question_id, CaseUpdate.created_at, CaseUpdate.author_id, -CaseUpdate.id)
               .join(CaseUpdate, CaseUpdate.case_id == Case.id).join(Question, Question.id == Case.question_id)
               .where(Case.question_id.in_(question_ids), CaseUpdate.public.is_(True),
                      CaseUpdate.author_id != Question.author_id))
    both = union_all(answers, updates).subquery()
    ranked = select(both.c.question_id, both.c.at, both.c.by, func.row_number().over(
        partition_by=both.c.question_id, order_by=(both.c.at, both.c.row_id)).label("rank")).subquery()
    return select(ranked.c.question_id, ranked.c.at.label("responded_at"),
                  ranked.c.by.label("responder_id")).where(ranked.c.rank == 1).subquery()


def first_response_among(question: Question, answers, public_updates=()) -> datetime | None:
    """The same rule applied to rows already loaded (the thread page has them): no query."""
    times = [a.created_at for a in answers
             if a.author_id != question.author_id and visibility.is_public_post(a)]
    times += [u.created_at for u in public_updates if u.public and u.author_id != question.author_id]
    return min(times, default=None)


def first_response_at(question_id: int) -> datetime | None:
    return first_responses([question_id]).get(question_id)


def time_to_first_response(question: Question) -> timedelta | None:
    """How long the asker waited for a first response (wall-clock time), None while still waiting."""
    when = first_response_at(question.id)
    return None if when is None else max(when - question.created_at, timedelta(0))


def is_solved(question_id: int) -> bool:
    return bool(db.session.scalar(select(func.count(Question.id)).where(Question.id == question_id,
                                                                        solved_clause())))


def waiting_since(question: Question) -> datetime | None:
    """When the wait for a first response began (the question's time), None once answered."""
    return None if first_response_at(question.id) is not None else question.created_at


__all__ = ["first_response_at", "first_response_rows", "first_responses", "is_solved", "responded_clause",
           "solved_clause", "time_to_first_response", "waiting_clause", "waiting_since"]
