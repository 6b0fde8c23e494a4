"""single sign-on: identities at the company's OpenID Connect providers, display name and locale

Revision ID: 2fcf82227391
Revises: 8a2e5c7d4b19
Create Date: 2026-12-01 10:58:17

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2fcf82227391'
down_revision = '8a2e5c7d4b19'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sso_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('claims', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_sign_in_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_sso_identities_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sso_identities')),
    sa.UniqueConstraint('provider', 'subject', name=op.f('uq_sso_identities_provider_subject'))
    )
    with op.batch_alter_table('sso_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sso_identities_user_id'), ['user_id'], unique=False)

    # Existing members get empty values; the server default only fills those rows.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('display_name', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('locale', sa.String(length=35), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('locale')
        batch_op.drop_column('display_name')

    with op.batch_alter_table('sso_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sso_identities_user_id'))

    op.drop_table('sso_identities')
