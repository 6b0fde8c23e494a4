"""mark questions whose asker already accepted a case resolution as solved by support

Revision ID: e3a9c5d7f2b4
Revises: b6e2f4a8c1d7
Create Date: 2026-12-01 18:01:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a9c5d7f2b4'
down_revision = 'b6e2f4a8c1d7'
branch_labels = None
depends_on = None

questions = sa.table('questions', sa.column('id', sa.Integer()), sa.column('solved_by_support_at', sa.DateTime()))
cases = sa.table('cases', sa.column('id', sa.Integer()), sa.column('question_id', sa.Integer()),
                 sa.column('customer_id', sa.Integer()), sa.column('status', sa.String()),
                 sa.column('closed_at', sa.DateTime()))
events = sa.table('case_events', sa.column('id', sa.Integer()), sa.column('case_id', sa.Integer()),
                  sa.column('kind', sa.String()), sa.column('actor_id', sa.Integer()))


def upgrade():
    # A case the asker closed with "Yes, close the case": closed, and its last status change is theirs.
    last_change = (sa.select(sa.func.max(events.c.id)).where(events.c.case_id == cases.c.id,
                                                             events.c.kind == 'case.status_changed')
                   .correlate(cases).scalar_subquery())
    accepted = (sa.select(sa.func.max(cases.c.closed_at))
                .where(cases.c.question_id == questions.c.id, cases.c.status == 'closed',
                       sa.exists().where(events.c.id == last_change, events.c.actor_id == cases.c.customer_id))
                .correlate(questions).scalar_subquery())
    op.execute(questions.update().where(questions.c.solved_by_support_at.is_(None)).values(solved_by_support_at=accepted))


def downgrade():
    # Nothing to undo: the previous revision drops the column.
    pass
