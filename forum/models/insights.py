"""Daily rollups of the health console's figures, and the two logs only the console reads
(self-service outcomes of searches, and searches without results).

Rollups: what one UTC day added, per product.

A rollup holds sums and the durations percentiles need, never member ids. Beside it,
`InsightMemberDay` holds the one thing sums can't carry, which members were active: the ids of
the members whose public posts are already on the site, kept so the contributors figures (distinct
members over any period) don't have to scan every post of the period. An account's deletion
takes its id out of them. `InsightRollupDay` marks a day as rolled up (also when nothing happened
that day) with the version of the figures it was computed for; the console reads a day from its
rollup only when that version is current.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db
from forum.models.base import utcnow


class InsightRollupDay(db.Model):
    """One UTC day whose rollups were written (by the beat task or `flask insights rollup`)."""

    __tablename__ = "insight_rollup_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class InsightRollup(db.Model):
    """One product's figures for one day: `counts` (name → sum) and `durations` (name → seconds)."""

    __tablename__ = "insight_rollups"
    __table_args__ = (UniqueConstraint("day", "product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(ForeignKey("insight_rollup_days.day", ondelete="CASCADE"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    durations: Mapped[dict] = mapped_column(JSON, default=dict)


class InsightMemberDay(db.Model):
    """Who was active in one product on one day: what the contributors figures count.

    Both columns are packed member ids (4-byte little-endian integers, forum/services/
    insight_facts.py packs and reads them): a row of ids is read and merged in one step, where a
    row per member would make the console count distinct members over some 100,000 rows per
    period at the benchmark's scale. `active`: the members (sorted, each once) who asked or
    answered there that day; `accepted`: the author of each accepted answer on the questions asked
    there that day, 0 for an account deleted since (the answer still counts, its author no longer).
    """

    __tablename__ = "insight_member_days"

    day: Mapped[date] = mapped_column(ForeignKey("insight_rollup_days.day", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    active: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    accepted: Mapped[bytes] = mapped_column(LargeBinary, default=b"")


class SelfServiceEvent(db.Model):
    """A search or a similar-question suggestion shown to a signed-in member, and what followed.

    `user_id` is kept only while the 24-hour window is open (it links the later page views and
    questions to the search); `forget()` erases it after that, and account deletion at once.
    `product_id` is the product of what followed (the thread or article opened, the question asked).
    """

    __tablename__ = "self_service_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # "search" or "similar"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    opened_at: Mapped[datetime | None]  # first solved thread or article opened within 24 h
    asked_at: Mapped[datetime | None]  # first question asked within 24 h


class SearchGap(db.Model):
    """How often a normalised search found nothing on one UTC day (no member ids; kept 90 days)."""

    __tablename__ = "search_gaps"
    __table_args__ = (UniqueConstraint("day", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    term: Mapped[str] = mapped_column(String(100))
    searches: Mapped[int] = mapped_column(Integer, default=0)
