"""a tag can be a synonym of another (merged and renamed tags keep their old names as synonyms)

Revision ID: d7a1f3c9e5b2
Revises: c4d8e2a6f0b3
Create Date: 2026-12-01 22:01:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd7a1f3c9e5b2'
down_revision = 'c4d8e2a6f0b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.add_column(sa.Column('synonym_of_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_tags_synonym_of_id'), ['synonym_of_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_tags_synonym_of_id_tags'), 'tags', ['synonym_of_id'], ['id'],
                                    ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('tags', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_tags_synonym_of_id_tags'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_tags_synonym_of_id'))
        batch_op.drop_column('synonym_of_id')
