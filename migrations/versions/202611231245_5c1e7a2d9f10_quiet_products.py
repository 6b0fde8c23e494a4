"""quiet products: a member's per-product email opt-out

Revision ID: 5c1e7a2d9f10
Revises: b70a119f1f09
Create Date: 2026-11-23 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a2d9f10'
down_revision = 'b70a119f1f09'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiet_products',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_quiet_products_product_id_products'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_quiet_products_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'product_id', name=op.f('pk_quiet_products'))
    )
    with op.batch_alter_table('quiet_products', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiet_products_product_id'), ['product_id'], unique=False)


def downgrade():
    with op.batch_alter_table('quiet_products', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiet_products_product_id'))

    op.drop_table('quiet_products')
