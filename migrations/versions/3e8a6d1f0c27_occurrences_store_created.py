"""The month's occurrences by store and creation (the painel's costs by payer read them by a scan)

Revision ID: 3e8a6d1f0c27
Revises: 9c4d2e8b7f15
Create Date: 2026-12-05 11:55:00

"""
from alembic import op

revision = '3e8a6d1f0c27'
down_revision = '9c4d2e8b7f15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_occurrences_store_created', 'occurrences', ['store_id', 'created_at'])


def downgrade():
    op.drop_index('ix_occurrences_store_created', table_name='occurrences')
