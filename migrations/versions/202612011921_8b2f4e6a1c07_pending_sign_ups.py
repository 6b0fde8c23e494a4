"""sign-ups wait for their emailed link before the account exists

Revision ID: 8b2f4e6a1c07
Revises: 5e1d2c3b4a69
Create Date: 2026-12-01 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8b2f4e6a1c07'
down_revision = '5e1d2c3b4a69'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_sign_ups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=30), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('next_path', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_sign_ups'))
    )
    with op.batch_alter_table('pending_sign_ups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_sign_ups_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_sign_ups_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_sign_ups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_sign_ups_created_at'))
        batch_op.drop_index(batch_op.f('ix_pending_sign_ups_email'))
    op.drop_table('pending_sign_ups')
