"""Site settings an admin changes at run time (privilege thresholds, new-community mode)."""

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from forum.extensions import db


class SiteSetting(db.Model):
    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)
