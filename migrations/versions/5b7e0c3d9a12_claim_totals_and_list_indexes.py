"""the closed claims' totals per factory (the claims board) and the indexes of the claims, customers and contracts lists at scale

Revision ID: 5b7e0c3d9a12
Revises: d7f3a9b2c418
Create Date: 2026-12-06 10:00:00

"""
from collections import defaultdict
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

revision = '5b7e0c3d9a12'
down_revision = 'd7f3a9b2c418'
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)
SUMS = ("claimed", "accepted", "received", "outstanding", "answered_claimed", "answered_accepted")


def upgrade():
    op.create_table('claim_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('store_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('claims', sa.Integer(), nullable=False),
    sa.Column('claimed', MONEY, nullable=False),
    sa.Column('accepted', MONEY, nullable=False),
    sa.Column('received', MONEY, nullable=False),
    sa.Column('outstanding', MONEY, nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.Column('answer_seconds', sa.Numeric(precision=20, scale=6), nullable=False),
    sa.Column('answered_claimed', MONEY, nullable=False),
    sa.Column('answered_accepted', MONEY, nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_claim_totals_store_id_stores')),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_claim_totals_supplier_id_suppliers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_totals')),
    sa.UniqueConstraint('supplier_id', name=op.f('uq_claim_totals_supplier_id'))
    )
    with op.batch_alter_table('claim_totals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_totals_store_id'), ['store_id'], unique=False)
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index('ix_claims_store_status', ['store_id', 'status', 'id'], unique=False)
    # On lower(number): a trigram index on the column itself would also be taken for the import's
    # `number IN (…)`, and read far slower than the unique index.
    if op.get_bind().dialect.name == 'postgresql':
        op.create_index(
            'ix_contracts_number_trgm', 'contracts', [sa.text('lower(number) gin_trgm_ops')], postgresql_using='gin'
        )
    else:
        op.create_index('ix_contracts_number_trgm', 'contracts', [sa.text('lower(number)')])
    _fill_claim_totals()


def _fill_claim_totals():
    """The closed claims sent so far, summed per factory as server.claims.totals adds them."""
    bind = op.get_bind()
    claims = sa.table(
        'claims', sa.column('id', sa.Integer), sa.column('store_id', sa.Integer), sa.column('supplier_id', sa.Integer),
        sa.column('status', sa.String), sa.column('sent_at', sa.DateTime), sa.column('answered_at', sa.DateTime),
        sa.column('deleted_at', sa.DateTime),
    )
    items = sa.table(
        'claim_items', sa.column('claim_id', sa.Integer), sa.column('amount', sa.Numeric(12, 2)),
        sa.column('accepted_amount', sa.Numeric(12, 2)), sa.column('deleted_at', sa.DateTime),
    )
    credits = sa.table(
        'claim_credits', sa.column('claim_id', sa.Integer), sa.column('amount', sa.Numeric(12, 2)),
        sa.column('deleted_at', sa.DateTime),
    )
    closed = sa.select(claims.c.id).where(
        claims.c.status == 'closed', claims.c.sent_at.is_not(None), claims.c.deleted_at.is_(None)
    )
    claimed, accepted, received = defaultdict(Decimal), defaultdict(Decimal), defaultdict(Decimal)
    for claim_id, amount, taken in bind.execute(
        sa.select(items.c.claim_id, items.c.amount, items.c.accepted_amount)
        .where(items.c.claim_id.in_(closed), items.c.deleted_at.is_(None))
    ):
        claimed[claim_id] += amount
        accepted[claim_id] += taken or 0
    for claim_id, amount in bind.execute(
        sa.select(credits.c.claim_id, credits.c.amount)
        .where(credits.c.claim_id.in_(closed), credits.c.deleted_at.is_(None))
    ):
        received[claim_id] += amount
    totals = {}
    for claim_id, store_id, supplier_id, sent_at, answered_at in bind.execute(
        sa.select(claims.c.id, claims.c.store_id, claims.c.supplier_id, claims.c.sent_at, claims.c.answered_at)
        .where(claims.c.id.in_(closed))
    ):
        row = totals.setdefault(supplier_id, {
            "store_id": store_id, "supplier_id": supplier_id, "claims": 0, "answered": 0,
            "answer_seconds": Decimal(0), **{key: Decimal("0.00") for key in SUMS},
        })
        row["claims"] += 1
        row["claimed"] += claimed[claim_id]
        row["accepted"] += accepted[claim_id]
        row["received"] += received[claim_id]
        row["outstanding"] += max(accepted[claim_id] - received[claim_id], Decimal("0.00"))
        if answered_at is not None:
            span = answered_at - sent_at
            row["answered"] += 1
            row["answer_seconds"] += Decimal(span.days * 86400 + span.seconds) + Decimal(span.microseconds) / 10**6
            row["answered_claimed"] += claimed[claim_id]
            row["answered_accepted"] += accepted[claim_id]
    if totals:
        table = sa.table(
            'claim_totals', sa.column('store_id', sa.Integer), sa.column('supplier_id', sa.Integer),
            sa.column('claims', sa.Integer), sa.column('answered', sa.Integer),
            sa.column('answer_seconds', sa.Numeric(20, 6)), *(sa.column(name, MONEY) for name in SUMS),
        )  # typed: SQLite's driver takes no Decimal
        op.bulk_insert(table, list(totals.values()))


def downgrade():
    op.drop_index('ix_contracts_number_trgm', table_name='contracts')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_store_status')
    with op.batch_alter_table('claim_totals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_totals_store_id'))
    op.drop_table('claim_totals')
