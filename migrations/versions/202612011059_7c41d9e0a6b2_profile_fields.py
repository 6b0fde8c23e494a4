"""customer profile fields per product, members' saved values and the values given with each question

Revision ID: 7c41d9e0a6b2
Revises: 2fcf82227391
Create Date: 2026-12-01 10:59:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c41d9e0a6b2'
down_revision = '2fcf82227391'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('profile_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('required', sa.Boolean(), nullable=False),
    sa.Column('staff_only', sa.Boolean(), nullable=False),
    sa.Column('help_text', sa.String(length=300), nullable=False),
    sa.Column('claim', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_profile_fields_product_id_products')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_fields')),
    sa.UniqueConstraint('product_id', 'key', name=op.f('uq_profile_fields_product_id_key'))
    )
    with op.batch_alter_table('profile_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_fields_product_id'), ['product_id'], unique=False)

    op.create_table('profile_values',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['profile_fields.id'], name=op.f('fk_profile_values_field_id_profile_fields')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_profile_values_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_profile_values')),
    sa.UniqueConstraint('field_id', 'user_id', name=op.f('uq_profile_values_field_id_user_id'))
    )
    with op.batch_alter_table('profile_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_profile_values_field_id'), ['field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_profile_values_user_id'), ['user_id'], unique=False)

    op.create_table('question_field_values',
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['profile_fields.id'], name=op.f('fk_question_field_values_field_id_profile_fields')),
    sa.ForeignKeyConstraint(['question_id'], ['questions.id'], name=op.f('fk_question_field_values_question_id_questions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_id', 'field_id', name=op.f('pk_question_field_values'))
    )
    with op.batch_alter_table('question_field_values', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_field_values_field_id'), ['field_id'], unique=False)


def downgrade():
    with op.batch_alter_table('question_field_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_field_values_field_id'))

    op.drop_table('question_field_values')
    with op.batch_alter_table('profile_values', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_values_user_id'))
        batch_op.drop_index(batch_op.f('ix_profile_values_field_id'))

    op.drop_table('profile_values')
    with op.batch_alter_table('profile_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_profile_fields_product_id'))

    op.drop_table('profile_fields')
