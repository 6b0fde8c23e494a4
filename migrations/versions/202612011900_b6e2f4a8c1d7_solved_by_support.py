"""questions solved by support: when the asker accepted a case's resolution

Revision ID: b6e2f4a8c1d7
Revises: a1f4c9e27b60
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6e2f4a8c1d7'
down_revision = 'a1f4c9e27b60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('solved_by_support_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('solved_by_support_at')
