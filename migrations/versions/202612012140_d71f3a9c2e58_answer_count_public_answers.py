"""answer_count counts the answers a visitor sees: not deleted and not hidden by flags

Revision ID: d71f3a9c2e58
Revises: c4d8e2f6a9b1
Create Date: 2026-12-01 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd71f3a9c2e58'
down_revision = 'c4d8e2f6a9b1'
branch_labels = None
depends_on = None

questions = sa.table('questions', sa.column('id', sa.Integer()), sa.column('answer_count', sa.Integer()))
answers = sa.table('answers', sa.column('id', sa.Integer()), sa.column('question_id', sa.Integer()),
                   sa.column('deleted_at', sa.DateTime()), sa.column('hidden_at', sa.DateTime()))


def _recount(*, with_hidden: bool):
    counted = answers.c.deleted_at.is_(None)
    if not with_hidden:
        counted = counted & answers.c.hidden_at.is_(None)
    number = (sa.select(sa.func.count(answers.c.id)).where(answers.c.question_id == questions.c.id, counted)
              .correlate(questions).scalar_subquery())
    op.execute(questions.update().values(answer_count=number))


def upgrade():
    # Hiding and unhiding an answer now change the count (forum/services/posts.py: count_answer), so
    # the counts kept before, which included hidden answers, are recounted once.
    _recount(with_hidden=False)


def downgrade():
    _recount(with_hidden=True)
