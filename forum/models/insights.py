"""Daily rollups of the health console's figures: what one UTC day added, per product.

A rollup holds sums and the durations percentiles need, never member ids. `InsightRollupDay`
marks a day as rolled up (also when nothing happened that day) with the version of the figures
it was computed for; the console reads a day from its rollup only when that version is current.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Integer, UniqueConstraint
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
