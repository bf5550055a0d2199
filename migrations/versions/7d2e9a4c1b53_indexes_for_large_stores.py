"""indexes for large stores: calendar range per store, trigram search, dashboard and pull scope

Revision ID: 7d2e9a4c1b53
Revises: 8b3f2d6c4e19
Create Date: 2026-12-05 04:00:00.000000

"""
from alembic import op


revision = '7d2e9a4c1b53'
down_revision = '8b3f2d6c4e19'
branch_labels = None
depends_on = None

TRGM = {"postgresql_using": "gin", "postgresql_ops": {"search_text": "gin_trgm_ops"}}


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Trusted since PostgreSQL 13: the database owner may create it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_appointments_store_starts", "appointments", ["store_id", "starts_at"])
    op.create_index("ix_customers_search_trgm", "customers", ["search_text"], **TRGM)
    op.create_index("ix_cases_search_trgm", "cases", ["search_text"], **TRGM)
    op.create_index("ix_cases_store_opened", "cases", ["store_id", "opened_at"])
    op.create_index("ix_cases_store_closed", "cases", ["store_id", "closed_at"])
    op.create_index("ix_cases_assignee_status", "cases", ["assignee_id", "status"])
    op.create_index("ix_cases_assignee_updated", "cases", ["assignee_id", "updated_at"])
    op.create_index("ix_cases_store_updated", "cases", ["store_id", "updated_at"])


def downgrade():
    for name, table in (
        ("ix_cases_store_updated", "cases"),
        ("ix_cases_assignee_updated", "cases"),
        ("ix_cases_assignee_status", "cases"),
        ("ix_cases_store_closed", "cases"),
        ("ix_cases_store_opened", "cases"),
        ("ix_cases_search_trgm", "cases"),
        ("ix_customers_search_trgm", "customers"),
        ("ix_appointments_store_starts", "appointments"),
    ):
        op.drop_index(name, table_name=table)
