"""The default visit report prints the technician's note (Observação do técnico)

A store's layouts are its own copies of the defaults. Only copies still exactly as shipped (by
their SHA-256) get the new line; a layout the store edited is left as it is. Each changed layout
takes a new store version, as any write to a store record does.

Revision ID: 5b1e7c9d2a40
Revises: 5b7e0c3d9a12
Create Date: 2026-12-05 07:40:00

"""
import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '5b1e7c9d2a40'
down_revision = '5b7e0c3d9a12'
branch_labels = None
depends_on = None

SHIPPED_SHA256 = 'e2a72136afdfe6d448e60e2eed695753958d13f9b37f8120196070c4c1c47a8a'
NOTES_LINE = (
    '    {% if visit.notes %}<tr><td class="label">Observação</td><td>{{ visit.notes }}</td></tr>{% endif %}\n'
)
TECHNICIAN_LINE = (
    '    {% if visit.technician_notes %}<tr><td class="label">Observação do técnico</td>'
    '<td style="white-space: pre-wrap">{{ visit.technician_notes }}</td></tr>{% endif %}\n'
)


def _shipped(html: str) -> bool:
    return hashlib.sha256(html.encode()).hexdigest() == SHIPPED_SHA256


def _rewrite(change) -> None:
    """Set each live visit report layout to `change(html)` where that gives a new text."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, store_id, html FROM print_layouts WHERE kind = 'visit_report' AND deleted_at IS NULL")
    ).all()
    now = datetime.now(UTC)
    for layout_id, store_id, html in rows:
        new = change(html)
        if new is None:
            continue
        version = conn.execute(
            sa.text('UPDATE stores SET version = version + 1 WHERE id = :id RETURNING version'), {'id': store_id}
        ).scalar_one()
        conn.execute(
            sa.text('UPDATE print_layouts SET html = :html, version = :version, updated_at = :now WHERE id = :id'),
            {
                'html': new,
                'version': version,
                'now': now.replace(tzinfo=None) if conn.dialect.name == 'sqlite' else now,
                'id': layout_id,
            },
        )


def upgrade():
    _rewrite(lambda html: html.replace(NOTES_LINE, NOTES_LINE + TECHNICIAN_LINE) if _shipped(html) else None)


def downgrade():
    _rewrite(lambda html: html.replace(TECHNICIAN_LINE, '') if _shipped(html.replace(TECHNICIAN_LINE, '')) else None)
