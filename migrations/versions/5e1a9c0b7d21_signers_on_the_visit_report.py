"""the default visit report names each signer with role and time of signing

Revision ID: 5e1a9c0b7d21
Revises: e8017f08213b
Create Date: 2026-12-05 01:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e1a9c0b7d21'
down_revision = 'e8017f08213b'
branch_labels = None
depends_on = None

# Frozen copies: the block every store got by default, and its replacement. A store's own edits
# of that block are left alone (only an exact copy is replaced).
OLD_BLOCK = """<div class="signatures">
  <div><div class="space"></div><div class="line">{{ visit.technician }}<br><span class="muted">Técnico</span></div></div>
  <div>
    <div class="space">{% if signature %}<img class="signature-image" src="{{ signature.src }}" alt="Assinatura do cliente">{% endif %}</div>
    <div class="line">{{ signature.name if signature and signature.name else customer.name }}<br><span class="muted">Cliente</span></div>
  </div>
</div>
"""
NEW_BLOCK = """<table class="signers">
  <tr>
    {% for signer in signatures %}
    <td>
      <div class="space">{% if signer.src %}<img class="signature-image" src="{{ signer.src }}" alt="Assinatura: {{ signer.name }}">{% endif %}</div>
      <div class="line">{{ signer.name }}<br><span class="muted">{{ signer.role }}{% if signer.signed_at %} — assinado em {{ signer.signed_at }}{% endif %}</span></div>
    </td>
    {% endfor %}
  </tr>
</table>
"""
OLD_CSS = ".signature-image { height: 22mm; display: block; margin: 0 auto; }"
NEW_CSS = """.signature-image { max-height: 22mm; max-width: 100%; width: auto; height: auto; display: block; margin: 0 auto; }
/* A table, not floats: a float at the foot of a page is cut off with its name line, a row moves whole to the next page. */
table.signers { margin-top: 10pt; border-collapse: separate; border-spacing: 8mm 0; page-break-inside: avoid; }
table.signers tr { page-break-inside: avoid; }
table.signers td { text-align: center; vertical-align: bottom; font-size: 8.5pt; }
table.signers .space { height: 24mm; overflow: hidden; }
table.signers .line { border-top: .8pt solid #333; padding-top: 3pt; }"""

layouts = sa.table(
    'print_layouts', sa.column('id', sa.Integer), sa.column('kind', sa.String), sa.column('html', sa.Text),
    sa.column('css', sa.Text),
)


def _swap(old_html, new_html, old_css, new_css):
    bind = op.get_bind()
    rows = bind.execute(sa.select(layouts.c.id, layouts.c.html, layouts.c.css).where(layouts.c.kind == 'visit_report'))
    for row in rows.fetchall():
        if old_html in row.html:
            bind.execute(
                layouts.update()
                .where(layouts.c.id == row.id)
                .values(html=row.html.replace(old_html, new_html), css=(row.css or '').replace(old_css, new_css))
            )


def upgrade():
    _swap(OLD_BLOCK, NEW_BLOCK, OLD_CSS, NEW_CSS)


def downgrade():
    _swap(NEW_BLOCK, OLD_BLOCK, NEW_CSS, OLD_CSS)
