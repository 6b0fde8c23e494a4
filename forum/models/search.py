"""The PostgreSQL search backend's tables: one row per search document, and its spelling words.

Both tables exist on every database (one schema everywhere) but only the PostgreSQL backend
fills them; on SQLite the Whoosh index in the instance folder is used instead.
"""

from datetime import datetime

from sqlalchemy import DDL, Boolean, Float, Index, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.base import utcnow


class SearchDocument(db.Model):
    """A denormalized copy of one searchable post, with its weighted tsvector (GIN-indexed).

    The vector holds the title (weight A), the tags (B) and the body (C), plus verbatim
    `tag:<name>` lexemes that the tag filter matches through the same index; `title_vector`
    holds the title and tags only.
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        Index("ix_search_documents_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_search_documents_title_vector", "title_vector", postgresql_using="gin"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    ref_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    index_title: Mapped[bool] = mapped_column(Boolean, default=True)
    body: Mapped[str] = mapped_column(Text)
    tags: Mapped[str] = mapped_column(String(200), default="")
    product: Mapped[str] = mapped_column(String(60), index=True)
    created_at: Mapped[datetime | None] = mapped_column(index=True)
    score: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    solved: Mapped[bool] = mapped_column(Boolean, default=False)
    rank_boost: Mapped[float] = mapped_column(Float, default=1.0)
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # The document's language code: its vectors are built with that language's text search
    # configuration, and its snippets highlighted with it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en", nullable=False)
    search_vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    # Title and tags alone: a small index that ranks title matches first without touching the rest.
    title_vector: Mapped[str | None] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))
    indexed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SearchWord(db.Model):
    """A word seen in indexed text, with how often: the vocabulary "did you mean" draws on."""

    __tablename__ = "search_words"
    __table_args__ = (
        Index("ix_search_words_word_trgm", "word", postgresql_using="gin", postgresql_ops={"word": "gin_trgm_ops"}),
    )

    word: Mapped[str] = mapped_column(String(60), primary_key=True)
    freq: Mapped[int] = mapped_column(Integer, default=1)


# The trigram index needs pg_trgm (a trusted extension since PostgreSQL 13); the migration
# creates it too. Elsewhere this does nothing.
event.listen(SearchWord.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
