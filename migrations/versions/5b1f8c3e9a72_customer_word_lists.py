"""Customers' words in name order (customer_words) and each store's words (customer_vocabulary),
back-filled from customers.search_text

Revision ID: 5b1f8c3e9a72
Revises: 3e8a6d1f0c27
Create Date: 2026-12-05 17:00:00

"""
import re

import sqlalchemy as sa
from alembic import op

revision = '5b1f8c3e9a72'
down_revision = '3e8a6d1f0c27'
branch_labels = None
depends_on = None

# The words `server.customers.words.letter_words` makes: runs of letters of the folded search
# text, cut at 254. In Python rather than SQL, so that "a letter" means on every database what it
# means to the app.
LETTERS = re.compile(r"[^\W\d_]+")
BATCH = 2000


def _backfill():
    connection = op.get_bind()
    customers = sa.table(
        'customers',
        sa.column('id'),
        sa.column('store_id'),
        sa.column('sort_name'),
        sa.column('search_text'),
        sa.column('deleted_at'),
    )
    words = sa.table('customer_words', *(sa.column(name) for name in ('customer_id', 'word', 'store_id', 'sort_name')))
    vocabulary = sa.table('customer_vocabulary', sa.column('store_id'), sa.column('word'))
    known = set()
    last = 0
    while True:
        batch = connection.execute(
            sa.select(customers.c.id, customers.c.store_id, customers.c.sort_name, customers.c.search_text)
            .where(customers.c.deleted_at.is_(None), customers.c.id > last)
            .order_by(customers.c.id)
            .limit(BATCH)
        ).all()
        if not batch:
            break
        last = batch[-1].id
        rows = [
            {"customer_id": c.id, "word": word, "store_id": c.store_id, "sort_name": c.sort_name}
            for c in batch
            for word in sorted({found[:254] for found in LETTERS.findall(c.search_text or "")})
        ]
        new = sorted({(row["store_id"], row["word"]) for row in rows} - known)
        known.update(new)
        if new:
            connection.execute(sa.insert(vocabulary), [{"store_id": s, "word": w} for s, w in new])
        if rows:
            connection.execute(sa.insert(words), rows)


def upgrade():
    op.create_table(
        'customer_vocabulary',
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_customer_vocabulary_store_id_stores')),
        sa.PrimaryKeyConstraint('store_id', 'word', name=op.f('pk_customer_vocabulary')),
    )
    op.create_index(
        'ix_customer_vocabulary_word_trgm',
        'customer_vocabulary',
        ['word'],
        postgresql_using='gin',
        postgresql_ops={'word': 'gin_trgm_ops'},
    )
    op.create_table(
        'customer_words',
        sa.Column('customer_id', sa.Integer(), nullable=False),
        sa.Column('word', sa.String(length=254), nullable=False),
        sa.Column('store_id', sa.Integer(), nullable=False),
        sa.Column('sort_name', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ['customer_id'], ['customers.id'], name=op.f('fk_customer_words_customer_id_customers'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_customer_words_store_id_stores')),
        sa.PrimaryKeyConstraint('customer_id', 'word', name=op.f('pk_customer_words')),
    )
    op.create_index('ix_customer_words_list', 'customer_words', ['store_id', 'word', 'sort_name', 'customer_id'])
    _backfill()


def downgrade():
    op.drop_index('ix_customer_words_list', table_name='customer_words')
    op.drop_table('customer_words')
    op.drop_index('ix_customer_vocabulary_word_trgm', table_name='customer_vocabulary')
    op.drop_table('customer_vocabulary')
