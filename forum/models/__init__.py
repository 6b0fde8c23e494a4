"""Every model, imported here so Alembic and the app see the whole schema."""

from forum.models.base import utcnow
from forum.models.care import (
    AgentAway,
    CadenceReminder,
    CareRun,
    EscalationPolicy,
    ProductAgent,
    ProductCare,
    QuestionOffer,
    RoutingOptIn,
)
from forum.models.cases import Case, CaseEvent, CasePriority, CaseStatus, CaseUpdate, WebhookDelivery, WebhookEndpoint
from forum.models.catalog import Product, Tag, question_tags
from forum.models.insights import InsightRollup, InsightRollupDay, SearchGap, SelfServiceEvent
from forum.models.knowledge import Article, ArticleState, ArticleVersion, article_tags
from forum.models.moderation import (
    AuditLogEntry,
    CloseVote,
    Flag,
    FlagReason,
    FlagStatus,
    ReviewItem,
    ReviewKind,
    ReviewOutcome,
    SuggestedEdit,
    SuggestionStatus,
    Suspension,
    WatchedAction,
    WatchedWord,
)
from forum.models.notifications import (
    DigestDelivery,
    DigestPeriod,
    EmailSubscription,
    Follow,
    MailSettings,
    Notification,
    NotificationKind,
    QuietProduct,
)
from forum.models.outbox import OutboxMessage
from forum.models.profile import FieldKind, ProfileField, ProfileValue, QuestionFieldValue
from forum.models.question import Answer, CloseReason, Comment, Question, Revision, Vote
from forum.models.reputation import BadgeAward, ReputationEntry
from forum.models.satisfaction import CaseSurvey, HelpfulVote, Rating
from forum.models.search import SearchDocument, SearchWord
from forum.models.site import SiteSetting
from forum.models.sso import SsoIdentity
from forum.models.user import ApiToken, IdempotencyKey, Role, TokenScope, User

__all__ = [
    "AgentAway",
    "Answer",
    "ApiToken",
    "Article",
    "ArticleState",
    "ArticleVersion",
    "AuditLogEntry",
    "BadgeAward",
    "CadenceReminder",
    "CareRun",
    "Case",
    "CaseEvent",
    "CasePriority",
    "CaseStatus",
    "CaseSurvey",
    "CaseUpdate",
    "CloseReason",
    "CloseVote",
    "Comment",
    "DigestDelivery",
    "DigestPeriod",
    "EmailSubscription",
    "EscalationPolicy",
    "FieldKind",
    "Flag",
    "FlagReason",
    "FlagStatus",
    "Follow",
    "HelpfulVote",
    "IdempotencyKey",
    "InsightRollup",
    "InsightRollupDay",
    "MailSettings",
    "Notification",
    "NotificationKind",
    "OutboxMessage",
    "Product",
    "ProductAgent",
    "ProductCare",
    "ProfileField",
    "ProfileValue",
    "Question",
    "QuestionFieldValue",
    "QuestionOffer",
    "QuietProduct",
    "Rating",
    "ReputationEntry",
    "ReviewItem",
    "ReviewKind",
    "ReviewOutcome",
    "Revision",
    "Role",
    "RoutingOptIn",
    "SearchDocument",
    "SearchGap",
    "SearchWord",
    "SelfServiceEvent",
    "SiteSetting",
    "SsoIdentity",
    "SuggestedEdit",
    "SuggestionStatus",
    "Suspension",
    "Tag",
    "TokenScope",
    "User",
    "Vote",
    "WatchedAction",
    "WatchedWord",
    "WebhookDelivery",
    "WebhookEndpoint",
    "article_tags",
    "question_tags",
    "utcnow",
]
