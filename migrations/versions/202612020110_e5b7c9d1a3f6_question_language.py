"""a question records the language it is written in; search documents record theirs

Revision ID: e5b7c9d1a3f6
Revises: e3b9c5d7a214
Create Date: 2026-12-02 01:10:00

Existing questions are given the site's default interface language (the admin's choice, else
English): until now members wrote in the language the site was set up for. The search index
must be rebuilt afterwards (`flask search reindex`) so each document is stemmed in its language.
"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b7c9d1a3f6'
down_revision = 'e3b9c5d7a214'
branch_labels = None
depends_on = None

SHIPPED = ('en', 'fr', 'es', 'de', 'ar')  # forum/models/language.py as of this revision


def _site_default(connection) -> str:
    value = connection.execute(sa.text("SELECT value FROM site_settings WHERE key = 'default_locale'")).scalar()
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            pass
    code = str(value or '').strip().lower().replace('_', '-').split('-')[0]
    return code if code in SHIPPED else 'en'


def upgrade():
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='en', nullable=False))
    default = _site_default(op.get_bind())
    if default != 'en':
        op.execute(sa.text('UPDATE questions SET language = :code').bindparams(code=default))


def downgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_column('language')
    with op.batch_alter_table('questions', schema=None) as batch_op:
        batch_op.drop_column('language')
