"""Customers' phones as search keys (customer_phones), back-filled from customers.phones

Revision ID: d7f3a9b2c418
Revises: c2a8e4f61d07
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd7f3a9b2c418'
down_revision = 'c2a8e4f61d07'
branch_labels = None
depends_on = None

# The keys `server.customers.models.phone_keys` makes: a live customer's phones, their digits
# only, when 8 to 20 long; the tail is the last 8. Phones are stored as digits already
# (brazil.normalize_phone); the digits are taken again in case an older row kept punctuation.
BACKFILL = {
    "postgresql": """
        INSERT INTO customer_phones (store_id, customer_id, digits, tail)
        SELECT DISTINCT store_id, id, number, right(number, 8)
        FROM (
            SELECT c.store_id, c.id, regexp_replace(p.phone, '[^0-9]', '', 'g') AS number
            FROM customers c CROSS JOIN LATERAL json_array_elements_text(c.phones) AS p(phone)
            WHERE c.deleted_at IS NULL AND json_typeof(c.phones) = 'array'
        ) AS phones
        WHERE length(number) BETWEEN 8 AND 20
    """,
    # No regexp_replace in SQLite: the punctuation a phone is typed with goes one replace() at a time.
    "sqlite": """
        INSERT INTO customer_phones (store_id, customer_id, digits, tail)
        SELECT DISTINCT store_id, id, number, substr(number, -8)
        FROM (
            SELECT c.store_id, c.id,
                   replace(replace(replace(replace(replace(replace(replace(
                       p.value, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', ''), '/', '') AS number
            FROM customers c, json_each(c.phones) AS p
            WHERE c.deleted_at IS NULL AND p.type = 'text'
        ) AS phones
        WHERE length(number) BETWEEN 8 AND 20 AND number NOT GLOB '*[^0-9]*'
    """,
}


def upgrade():
    op.create_table(
        'customer_phones',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('digits', sa.String(length=20), nullable=False),
        sa.Column('tail', sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['customers.id'], name=op.f('fk_customer_phones_customer_id_customers'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_customer_phones_store_id_stores')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_customer_phones')),
    )
    op.create_index('ix_customer_phones_tail_store', 'customer_phones', ['tail', 'store_id'])
    op.create_index(op.f('ix_customer_phones_customer_id'), 'customer_phones', ['customer_id'])
    op.execute(BACKFILL[op.get_bind().dialect.name])


def downgrade():
    op.drop_index(op.f('ix_customer_phones_customer_id'), table_name='customer_phones')
    op.drop_index('ix_customer_phones_tail_store', table_name='customer_phones')
    op.drop_table('customer_phones')
