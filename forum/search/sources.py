"""The document sources: threads (a question and its answers) and knowledge articles.

A thread is re-read whole whenever anything in it changes, so a question's edit reaches its
answers' documents (they show its title and carry its tags) and an acceptance reaches both
sides. Only public content becomes a document: deleted posts, posts in a deleted thread and
posts hidden by moderation never do, nor draft or archived articles; `visible` re-checks at
query time. Each document carries the moment its page shows (asked, answered, published),
never the time it was indexed.
"""

from collections.abc import Iterator

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from forum import urls
from forum.extensions import db
from forum.markup import stored
from forum.models import Answer, Article, Question
from forum.policy import visibility
from forum.search.documents import Document, KindLabels, Snapshot, document_key, plain, register
from forum.services.questions import site_language

QUESTION, ANSWER, ARTICLE = "question", "answer", "article"


def _text(body_html: str) -> str:
    """The words of a post's stored HTML (already sanitized by forum/markup.py, so a tag pattern suffices).

    MarkupSafe's striptags drops the tags and decodes entities with one regular expression,
    where bleach would parse the whole document again: most of a rebuild's time went there.
    """
    return plain(stored(body_html).striptags())


class ThreadSource:
    name = "thread"
    kinds = (QUESTION, ANSWER)
    labels = {  # noqa: RUF012 - read-only table
        QUESTION: KindLabels(_l("Questions"), _l("Question"), _l("Questions only"), _l("asked %(when)s")),
        ANSWER: KindLabels(_l("Answers"), _l("Answer"), _l("Answers only"), _l("answered %(when)s")),
    }

    def _documents(self, question: Question, answers: list[Answer]) -> list[Document]:
        tags = tuple(t.name for t in question.tags)
        solved = question.is_solved_by_support or (
            question.accepted_answer_id is not None and any(a.id == question.accepted_answer_id for a in answers))
        product, language = question.product.slug, question.content_language.value
        docs = [Document(kind=QUESTION, object_id=question.id, ref_id=question.id, title=question.title,
                         body=_text(question.body_html), product=product, tags=tags,
                         created_at=question.created_at, score=question.score, solved=solved, language=language)]
        docs += [Document(kind=ANSWER, object_id=a.id, ref_id=question.id, title=question.title,
                          body=_text(a.body_html), product=product, tags=tags, created_at=a.created_at,
                          score=a.score, accepted=a.id == question.accepted_answer_id, solved=solved,
                          index_title=False, language=language)
                 for a in answers]
        return docs

    def snapshot(self, ref_id: int) -> Snapshot:
        question = db.session.get(Question, ref_id, options=[selectinload(Question.tags),
                                                             selectinload(Question.product)])
        answers = list(db.session.scalars(select(Answer).where(Answer.question_id == ref_id).order_by(Answer.id)))
        if question is None or not visibility.is_public(question):
            return Snapshot([], [document_key(QUESTION, ref_id), *(document_key(ANSWER, a.id) for a in answers)])
        public = [a for a in answers if visibility.is_public(a)]
        gone = [document_key(ANSWER, a.id) for a in answers if not visibility.is_public(a)]
        return Snapshot(self._documents(question, public), gone)

    def count(self) -> int:
        return db.session.scalar(select(func.count(Question.id)).where(visibility.public_questions())) or 0

    def batches(self, size: int) -> Iterator[tuple[int, list[Document]]]:
        last = 0
        while True:
            questions = list(db.session.scalars(
                select(Question).where(visibility.public_questions(), Question.id > last)
                .order_by(Question.id).limit(size)
                .options(selectinload(Question.tags), selectinload(Question.product))))
            if not questions:
                return
            last = questions[-1].id
            by_question: dict[int, list[Answer]] = {q.id: [] for q in questions}
            for answer in db.session.scalars(select(Answer).where(
                    Answer.question_id.in_(list(by_question)), visibility.public_answers(with_question=False))
                    .order_by(Answer.id)):
                by_question[answer.question_id].append(answer)
            docs = [d for q in questions for d in self._documents(q, by_question[q.id])]
            yield len(questions), docs

    def visible(self, kind: str, object_ids: set[int]) -> set[int]:
        if not object_ids:
            return set()
        if kind == QUESTION:
            query = select(Question.id).where(Question.id.in_(object_ids), visibility.public_questions())
        else:
            query = (select(Answer.id).join(Question, Question.id == Answer.question_id)
                     .where(Answer.id.in_(object_ids), visibility.public_answers(with_question=False),
                            visibility.public_questions()))
        return set(db.session.scalars(query))

    def link(self, kind: str, object_id: int, ref_id: int, title: str) -> str:
        return urls.thread_url(ref_id, title, urls.answer_anchor(object_id) if kind == ANSWER else None)


threads = ThreadSource()


class ArticleSource:
    """Published knowledge articles, a result kind of their own (re-read on publish and every edit).

    Articles record no language of their own: they are indexed in the site's default language.
    """

    name = "article"
    kinds = (ARTICLE,)
    labels = {ARTICLE: KindLabels(_l("Knowledge articles"), _l("Knowledge article"),  # noqa: RUF012 - read-only
                                  _l("Knowledge articles only"), _l("published %(when)s"))}

    @staticmethod
    def _document(article: Article) -> Document:
        return Document(kind=ARTICLE, object_id=article.id, ref_id=article.id, title=article.title,
                        body=plain(f"{article.summary} {_text(article.body_html)}"), product=article.product.slug,
                        tags=tuple(t.name for t in article.tags),
                        created_at=article.published_at or article.created_at, language=site_language())

    def snapshot(self, ref_id: int) -> Snapshot:
        article = db.session.get(Article, ref_id, options=[selectinload(Article.tags), selectinload(Article.product)])
        if article is None or not visibility.is_public(article):
            return Snapshot([], [document_key(ARTICLE, ref_id)])
        return Snapshot([self._document(article)], [])

    def count(self) -> int:
        return db.session.scalar(select(func.count(Article.id)).where(visibility.public_articles())) or 0

    def batches(self, size: int) -> Iterator[tuple[int, list[Document]]]:
        last = 0
        while True:
            articles = list(db.session.scalars(
                select(Article).where(visibility.public_articles(), Article.id > last).order_by(Article.id)
                .limit(size).options(selectinload(Article.tags), selectinload(Article.product))))
            if not articles:
                return
            last = articles[-1].id
            yield len(articles), [self._document(a) for a in articles]

    def visible(self, kind: str, object_ids: set[int]) -> set[int]:
        if not object_ids:
            return set()
        return set(db.session.scalars(select(Article.id).where(Article.id.in_(object_ids),
                                                               visibility.public_articles())))

    def link(self, kind: str, object_id: int, ref_id: int, title: str) -> str:
        return urls.article_page_url(object_id, title)


articles = ArticleSource()


def init_app(app) -> None:
    """Make questions, answers and knowledge articles searchable."""
    register(threads)
    register(articles)
