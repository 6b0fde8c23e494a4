"""The one policy: who holds which role (`roles`), who may do what (`permissions`) and, soon
beside it, who may see what.

Views, the API, services, CLI commands and templates all ask here; nothing else compares
roles or reputation thresholds.
"""

from forum.policy.permissions import (
    NEEDS_CONFIRMED_EMAIL,
    Permission,
    can,
    confirmation_notice,
    holds_privilege,
    refusal,
    require,
    suspension_notice,
)

__all__ = [
    "NEEDS_CONFIRMED_EMAIL",
    "Permission",
    "can",
    "confirmation_notice",
    "holds_privilege",
    "refusal",
    "require",
    "suspension_notice",
]
