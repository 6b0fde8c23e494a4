"""The one policy: who holds which role (`roles`), who may do what (`permissions`) and who may
see what (`visibility`).

Views, the API, services, CLI commands and templates all ask here; nothing else compares
roles or reputation thresholds, and nothing else re-types "not deleted, not hidden".
"""

from forum.policy.permissions import (
    NEEDS_CONFIRMED_EMAIL,
    PageDecisions,
    Permission,
    can,
    confirmation_notice,
    holds_privilege,
    needs_reputation,
    offered,
    refusal,
    require,
    suspension_notice,
)

__all__ = [
    "NEEDS_CONFIRMED_EMAIL",
    "PageDecisions",
    "Permission",
    "can",
    "confirmation_notice",
    "holds_privilege",
    "needs_reputation",
    "offered",
    "refusal",
    "require",
    "suspension_notice",
]
