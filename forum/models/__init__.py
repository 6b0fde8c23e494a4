"""Every model, imported here so Alembic and the app see the whole schema."""

from forum.models.base import utcnow
from forum.models.catalog import Product, Tag, question_tags
from forum.models.outbox import OutboxMessage
from forum.models.question import Answer, Comment, Question, Revision, Vote
from forum.models.reputation import BadgeAward, ReputationEntry
from forum.models.site import SiteSetting
from forum.models.user import ApiToken, Role, User

__all__ = [
    "Answer", "ApiToken", "BadgeAward", "Comment", "OutboxMessage", "Product", "Question", "ReputationEntry",
    "Revision", "Role", "SiteSetting", "Tag", "User", "Vote", "question_tags", "utcnow",
]
