"""account security: deleted accounts and two-factor sign-in

Revision ID: 13424ecc23bd
Revises: 53b7b5571a63
Create Date: 2026-11-23 09:58:54.132151

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '13424ecc23bd'
down_revision = '53b7b5571a63'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_enabled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('totp_last_counter', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('totp_last_counter')
        batch_op.drop_column('totp_enabled_at')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('deleted_at')
