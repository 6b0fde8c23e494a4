"""case satisfaction surveys and "did this help?" votes

Revision ID: d4c7a1e9b352
Revises: c4a7e1f0b2d3
Create Date: 2026-12-01 14:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4c7a1e9b352'
down_revision = 'c4a7e1f0b2d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_surveys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('link_nonce', sa.String(length=32), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('rated_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('rating IS NULL OR rating BETWEEN 1 AND 5', name=op.f('ck_case_surveys_rating_range')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_surveys_case_id_cases')),
    sa.ForeignKeyConstraint(['customer_id'], ['users.id'], name=op.f('fk_case_surveys_customer_id_users')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_case_surveys_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_surveys')),
    sa.UniqueConstraint('case_id', name=op.f('uq_case_surveys_case_id'))
    )
    with op.batch_alter_table('case_surveys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_surveys_customer_id'), ['customer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_surveys_sent_at'), ['sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_surveys_rated_at'), ['rated_at'], unique=False)
        batch_op.create_index('ix_case_surveys_product_sent', ['product_id', 'sent_at'], unique=False)

    op.create_table('helpful_votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('answer_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(answer_id IS NULL) <> (article_id IS NULL)', name=op.f('ck_helpful_votes_one_target')),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_helpful_votes_answer_id_answers')),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], name=op.f('fk_helpful_votes_article_id_articles')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_helpful_votes_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helpful_votes')),
    sa.UniqueConstraint('user_id', 'answer_id', name=op.f('uq_helpful_votes_user_id_answer_id')),
    sa.UniqueConstraint('user_id', 'article_id', name=op.f('uq_helpful_votes_user_id_article_id'))
    )
    with op.batch_alter_table('helpful_votes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_helpful_votes_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_helpful_votes_answer_id'), ['answer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_helpful_votes_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_helpful_votes_created_at'), ['created_at'], unique=False)


def downgrade():
    op.drop_table('helpful_votes')
    op.drop_table('case_surveys')
