"""members' votes to close questions (the close-vote privilege)

Revision ID: c4a7e1f0b2d3
Revises: 012b0c6389bc
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a7e1f0b2d3'
down_revision = '012b0c6389bc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('close_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('duplicate_of_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_close_votes_question_id_questions')),
    sa.ForeignKeyConstraint(['voter_id'], ['users.id'], name=op.f('fk_close_votes_voter_id_users')),
    sa.ForeignKeyConstraint(['duplicate_of_id'], ['questions.id'], name=op.f('fk_close_votes_duplicate_of_id_questions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_close_votes')),
    sa.UniqueConstraint('question_id', 'voter_id', name=op.f('uq_close_votes_question_id_voter_id'))
    )
    with op.batch_alter_table('close_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_close_votes_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_close_votes_voter_id'), ['voter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_close_votes_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('close_votes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_close_votes_created_at'))
        batch_op.drop_index(batch_op.f('ix_close_votes_voter_id'))
        batch_op.drop_index(batch_op.f('ix_close_votes_question_id'))
    op.drop_table('close_votes')
