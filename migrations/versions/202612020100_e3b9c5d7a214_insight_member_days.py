"""the health console's member days: who was active per product and day (contributors figures)

Revision ID: e3b9c5d7a214
Revises: d7a1f3c9e5b2
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3b9c5d7a214'
down_revision = 'd7a1f3c9e5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('insight_member_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.LargeBinary(), nullable=False),
    sa.Column('accepted', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['day'], ['insight_rollup_days.day'], name=op.f('fk_insight_member_days_day_insight_rollup_days'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_insight_member_days_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('day', 'product_id', name=op.f('pk_insight_member_days'))
    )


def downgrade():
    op.drop_table('insight_member_days')
