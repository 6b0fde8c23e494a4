"""self-service outcomes of searches and searches without results (the health console)

Revision ID: a1f4c9e27b60
Revises: 5e8f2a7c1d34
Create Date: 2026-12-01 18:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1f4c9e27b60'
down_revision = '5e8f2a7c1d34'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('self_service_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_self_service_events_product_id_products'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_self_service_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_self_service_events'))
    )
    with op.batch_alter_table('self_service_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_self_service_events_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_service_events_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_self_service_events_user_id'), ['user_id'], unique=False)

    op.create_table('search_gaps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_gaps')),
    sa.UniqueConstraint('day', 'term', name=op.f('uq_search_gaps_day_term'))
    )
    with op.batch_alter_table('search_gaps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_gaps_day'), ['day'], unique=False)


def downgrade():
    with op.batch_alter_table('search_gaps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_gaps_day'))
    op.drop_table('search_gaps')
    with op.batch_alter_table('self_service_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_self_service_events_user_id'))
        batch_op.drop_index(batch_op.f('ix_self_service_events_product_id'))
        batch_op.drop_index(batch_op.f('ix_self_service_events_created_at'))
    op.drop_table('self_service_events')
