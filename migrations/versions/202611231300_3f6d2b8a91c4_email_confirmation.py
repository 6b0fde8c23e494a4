"""email confirmation: users.email_confirmed_at

Revision ID: 3f6d2b8a91c4
Revises: 5c1e7a2d9f10
Create Date: 2026-11-23 13:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f6d2b8a91c4'
down_revision = '5c1e7a2d9f10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email_confirmed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('email_confirmed_at')
