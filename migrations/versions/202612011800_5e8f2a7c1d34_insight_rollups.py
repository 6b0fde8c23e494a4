"""daily rollups of the health console's figures

Revision ID: 5e8f2a7c1d34
Revises: 9d3b7e15a2c8
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e8f2a7c1d34'
down_revision = '9d3b7e15a2c8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insight_rollup_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_insight_rollup_days'))
    )
    op.create_table('insight_rollups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('durations', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['day'], ['insight_rollup_days.day'], name=op.f('fk_insight_rollups_day_insight_rollup_days'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_insight_rollups_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_rollups')),
    sa.UniqueConstraint('day', 'product_id', name=op.f('uq_insight_rollups_day_product_id'))
    )
    with op.batch_alter_table('insight_rollups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_rollups_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_insight_rollups_product_id'), ['product_id'], unique=False)


def downgrade():
    with op.batch_alter_table('insight_rollups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_rollups_product_id'))
        batch_op.drop_index(batch_op.f('ix_insight_rollups_day'))
    op.drop_table('insight_rollups')
    op.drop_table('insight_rollup_days')
