"""Knowledge articles published from community answers (README, "Support cases and the knowledge base"), versioned."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.extensions import db
from forum.models.base import LabeledEnum, utcnow
from forum.models.catalog import Product, Tag
from forum.models.user import User


class ArticleState(LabeledEnum):
    """Where an article stands; the label is the word in "Version 2 (draft) by …"."""

    DRAFT = "draft", _l("draft")
    PUBLISHED = "published", _l("published")
    ARCHIVED = "archived", _l("archived")


article_tags = Table(
    "article_tags",
    db.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Article(db.Model):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(500))
    body_md: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default=ArticleState.DRAFT, index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"), index=True)
    answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"), unique=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    product: Mapped[Product] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by=Tag.name)


class ArticleVersion(db.Model):
    """Every saved state of an article: who changed it, when and why."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(150))
    summary: Mapped[str] = mapped_column(String(500))
    body_md: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    editor: Mapped[User] = relationship()

    @property
    def state_label(self) -> str:
        return ArticleState.label_of(self.state)
