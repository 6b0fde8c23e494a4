"""confirm existing emails: members who joined before confirmation existed keep posting

Revision ID: 8a2e5c7d4b19
Revises: 3f6d2b8a91c4
Create Date: 2026-11-23 13:01:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a2e5c7d4b19'
down_revision = '3f6d2b8a91c4'
branch_labels = None
depends_on = None

users = sa.table('users', sa.column('email_confirmed_at', sa.DateTime()), sa.column('deleted_at', sa.DateTime()))


def upgrade():
    # Naive UTC like every timestamp the app writes. Deleted accounts have no real address left.
    now = datetime.now(UTC).replace(tzinfo=None)
    op.execute(users.update().where(users.c.deleted_at.is_(None), users.c.email_confirmed_at.is_(None))
               .values(email_confirmed_at=now))


def downgrade():
    # Nothing to undo: the previous revision drops the column, and before it is dropped a
    # confirmation date on old members is harmless.
    pass
