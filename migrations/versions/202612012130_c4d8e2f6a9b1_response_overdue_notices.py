"""response-overdue notices: one per question whose first-response target lapsed; care runs count them

Revision ID: c4d8e2f6a9b1
Revises: 8b2f4e6a1c07
Create Date: 2026-12-01 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d8e2f6a9b1'
down_revision = '8b2f4e6a1c07'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('response_overdue_notices',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('notified_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                            name=op.f('fk_response_overdue_notices_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', name=op.f('pk_response_overdue_notices'))
    )
    with op.batch_alter_table('care_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overdue', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('care_runs', schema=None) as batch_op:
        batch_op.drop_column('overdue')
    op.drop_table('response_overdue_notices')
