"""The store's longest visit (minutes), so a period's visits include those that started before it

Revision ID: 9c4d2e8b7f15
Revises: 5b1e7c9d2a40
Create Date: 2026-12-05 07:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '9c4d2e8b7f15'
down_revision = '5b1e7c9d2a40'
branch_labels = None
depends_on = None

# Whole minutes, rounded up (a minute more than needed only looks a minute further back).
MINUTES = {
    'postgresql': 'CAST(FLOOR(EXTRACT(EPOCH FROM (a.ends_at - a.starts_at)) / 60) AS INTEGER) + 1',
    'sqlite': 'CAST((julianday(a.ends_at) - julianday(a.starts_at)) * 1440 AS INTEGER) + 1',
}


def upgrade():
    # Plain ALTER TABLE on both databases (SQLite has had ADD and DROP COLUMN since 3.35): a batch
    # copy of `stores` would have to drop a table every other table points at.
    op.add_column('stores', sa.Column('longest_visit_minutes', sa.Integer(), server_default='0', nullable=False))
    minutes = MINUTES[op.get_bind().dialect.name]
    op.execute(
        f"""UPDATE stores SET longest_visit_minutes = COALESCE(
            (SELECT MAX({minutes}) FROM appointments a WHERE a.store_id = stores.id), 0)"""
    )


def downgrade():
    op.drop_column('stores', 'longest_visit_minutes')
