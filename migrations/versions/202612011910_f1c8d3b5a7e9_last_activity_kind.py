"""questions: what the last activity was and who did it (the Active list says "answered … by …")

Revision ID: f1c8d3b5a7e9
Revises: e3a9c5d7f2b4
Create Date: 2026-12-01 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c8d3b5a7e9'
down_revision = 'e3a9c5d7f2b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_activity_kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('last_activity_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_questions_last_activity_by_id_users'), 'users',
                                    ['last_activity_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_questions_last_activity_by_id_users'), type_='foreignkey')
        batch_op.drop_column('last_activity_by_id')
        batch_op.drop_column('last_activity_kind')
