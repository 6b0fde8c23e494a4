"""notification messages: a key and its values, rendered in the reader's language when shown

Revision ID: f4c2a8e6b1d9
Revises: e5b7c9d1a3f6
Create Date: 2026-12-02 01:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4c2a8e6b1d9'
down_revision = 'e5b7c9d1a3f6'
branch_labels = None
depends_on = None


def upgrade():
    # Both columns can be added in place on SQLite too (a default, or nullable): no table copy.
    op.add_column('notifications', sa.Column('message', sa.String(length=40), server_default='', nullable=False))
    op.add_column('notifications', sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('message')
