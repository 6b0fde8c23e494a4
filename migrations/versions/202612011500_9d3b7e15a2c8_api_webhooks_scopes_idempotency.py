"""webhook endpoints subscribe to event types; community events are delivered with their own body

Revision ID: 9d3b7e15a2c8
Revises: 7c41d9e0a6b2
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d3b7e15a2c8'
down_revision = '7c41d9e0a6b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('events', sa.JSON(), server_default='["case"]', nullable=False))
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('event_type', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('payload', sa.JSON(), nullable=True))


def downgrade():
    op.execute("DELETE FROM webhook_deliveries WHERE event_id IS NULL")
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('payload')
        batch_op.drop_column('event_type')
        batch_op.alter_column('event_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_column('events')
