# ruff: noqa: E501  (HTML and CSS of the default layouts: long lines read better than split ones)
"""The layouts every store starts with: A4, pt-BR, system fonts only (DejaVu), nothing from the network."""

from __future__ import annotations

from server.documents.models import DocumentKind

CSS = """
@page {
  size: A4;
  margin: 16mm 14mm 18mm 14mm;
  @bottom-left { content: "{{footer}}"; font: 7.5pt "DejaVu Sans", sans-serif; color: #666; }
  @bottom-right { content: "Página " counter(page) " de " counter(pages); font: 7.5pt "DejaVu Sans", sans-serif; color: #666; }
}
* { box-sizing: border-box; }
body { font: 9.5pt/1.4 "DejaVu Sans", sans-serif; color: #1d232b; margin: 0; }
header.doc { border-bottom: 2px solid #1f4e79; padding-bottom: 6pt; margin-bottom: 10pt; overflow: hidden; }
header.doc .store { font-size: 8pt; color: #444; }
header.doc .store strong { display: block; font-size: 12pt; color: #1f4e79; }
header.doc .store { float: left; width: 54%; }
header.doc .title { float: right; width: 46%; text-align: right; }
header.doc .title h1 { font-size: 13pt; margin: 0; color: #1f4e79; }
header.doc .title .number { font-size: 12pt; font-weight: bold; }
section { margin-bottom: 9pt; page-break-inside: avoid; }
h2 { font-size: 9.5pt; letter-spacing: .02em; color: #fff; background: #1f4e79;
  padding: 2.5pt 5pt; margin: 0 0 4pt 0; }
h3 { font-size: 9.5pt; margin: 6pt 0 3pt 0; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.fields td { padding: 2pt 4pt; vertical-align: top; border-bottom: .5pt solid #d5dbe3; }
table.fields td.label { width: 26%; color: #555; font-size: 8pt; }
table.items th:first-child { width: 36%; }
table.items th { background: #e8eef5; font-size: 8pt; text-align: left; padding: 3pt 4pt; }
table.items td { padding: 3pt 4pt; border-bottom: .5pt solid #d5dbe3; }
table.items td.num, table.items th.num { text-align: right; white-space: nowrap; }
.box { border: .8pt solid #9aa7b5; padding: 5pt 6pt; min-height: 28pt; white-space: pre-wrap; }
.muted { color: #666; font-size: 8pt; }
.photos img { height: 32mm; margin: 0 3pt 3pt 0; border: .5pt solid #ccc; }
.signatures { margin-top: 10pt; overflow: hidden; page-break-inside: avoid; }
.signatures > div { float: left; width: 46%; text-align: center; font-size: 8.5pt; }
.signatures > div + div { float: right; }
.signatures .space { height: 24mm; overflow: hidden; }
.signatures .line { border-top: .8pt solid #333; padding-top: 3pt; }
.signature-image { max-height: 22mm; max-width: 100%; width: auto; height: auto; display: block; margin: 0 auto; }
/* A table, not floats: a float at the foot of a page is cut off with its name line, a row moves whole to the next page. */
table.signers { margin-top: 10pt; border-collapse: separate; border-spacing: 8mm 0; page-break-inside: avoid; }
table.signers tr { page-break-inside: avoid; }
table.signers td { text-align: center; vertical-align: bottom; font-size: 8.5pt; }
table.signers .space { height: 24mm; overflow: hidden; }
table.signers .line { border-top: .8pt solid #333; padding-top: 3pt; }
.total td { font-weight: bold; }
""".replace("{{footer}}", "Documento gerado pelo Assistec")

HEADER = """
<header class="doc">
  <div class="store">
    {% if store.logo %}<img src="{{ store.logo }}" style="height: 14mm">{% endif %}
    <strong>{{ store.name }}</strong>
    {% if store.cnpj %}CNPJ {{ store.cnpj }}<br>{% endif %}
    {{ store.address.line }}{% if store.address.cep %} — CEP&nbsp;{{ store.address.cep }}{% endif %}<br>
    {{ store.phone }}{% if store.phone and store.email %} · {% endif %}{{ store.email }}
  </div>
  <div class="title">
    <h1>{{ title }}</h1>
    <div class="number">{{ case.number }}</div>
    <div class="muted">Emitido em {{ generated_at }}</div>
  </div>
</header>
"""

CUSTOMER = """
<section>
  <h2>Cliente</h2>
  <table class="fields">
    <tr><td class="label">Nome</td><td>{{ customer.name }}</td></tr>
    {% if customer.document %}<tr><td class="label">{{ customer.document_label }}</td><td>{{ customer.document }}</td></tr>{% endif %}
    <tr><td class="label">Telefones</td><td>{{ customer.phones | join(" · ") }}</td></tr>
    {% if customer.email %}<tr><td class="label">E-mail</td><td>{{ customer.email }}</td></tr>{% endif %}
    <tr><td class="label">Endereço do atendimento</td><td>{{ case.service_address.line }}{% if case.service_address.cep %} — CEP&nbsp;{{ case.service_address.cep }}{% endif %}</td></tr>
    {% if contract %}<tr><td class="label">Contrato</td><td>{{ contract.number }}{% if contract.delivery_on %} — entregue em {{ contract.delivery_on }}{% endif %}</td></tr>{% endif %}
  </table>
</section>
"""

REPORTED_ISSUE = """<section>
  <h2>Situação Alegada</h2>
  <div class="box">{{ case.reported_issue }}</div>
</section>
"""

ITEMS = """
<table class="items">
  <tr><th>Item</th><th>Código</th><th class="num">Qtd.</th><th>Ação</th><th>Fornecedor</th></tr>
  {% for item in occurrence.items %}
  <tr><td>{{ item.description }}</td><td>{{ item.code }}</td><td class="num">{{ item.quantity }} {{ item.unit }}</td>
      <td>{{ item.action }}</td><td>{{ item.supplier }}</td></tr>
  {% endfor %}
</table>
"""

OCCURRENCES = (
    """
{% if occurrences %}
<section>
  <h2>Ocorrências</h2>
  {% for occurrence in occurrences %}
  <h3>{{ loop.index }}. {{ occurrence.type }} — {{ occurrence.payer }}</h3>
  <table class="fields">
    <tr><td class="label">Ambiente / Linha</td><td>{{ occurrence.room }}{% if occurrence.product_line %} / {{ occurrence.product_line }}{% endif %}</td></tr>
    <tr><td class="label">Situação</td><td>{{ occurrence.resolution }}{% if occurrence.status %} ({{ occurrence.status }}){% endif %}{% if occurrence.unresolved_reason %}: {{ occurrence.unresolved_reason }}{% endif %}</td></tr>
    <tr><td class="label">Previsão de correção</td><td>{{ occurrence.expected_fix_on }}</td></tr>
    {% if occurrence.supplier_order_number %}<tr><td class="label">Pedido do fornecedor</td><td>{{ occurrence.supplier_order_number }}</td></tr>{% endif %}
    {% if occurrence.report %}<tr><td class="label">Relato</td><td>{{ occurrence.report }}</td></tr>{% endif %}
  </table>
  {% if occurrence.items %}"""
    + ITEMS
    + """{% endif %}
  {% if show_photos and occurrence.photos %}
  <div class="photos">{% for photo in occurrence.photos %}<img src="{{ photo.src }}" alt="{{ photo.caption }}">{% endfor %}</div>
  {% endif %}
  {% endfor %}
</section>
{% endif %}
"""
)

SERVICE_REQUEST = (
    HEADER
    + CUSTOMER
    + """
<section>
  <h2>Assistência</h2>
  <table class="fields">
    <tr><td class="label">Abertura</td><td>{{ case.opened_on }}</td></tr>
    <tr><td class="label">Prazo (CDC art. 18)</td><td>{{ case.due_on }} — {{ case.deadline_days }} dias</td></tr>
    <tr><td class="label">Situação</td><td>{{ case.status }}</td></tr>
  </table>
</section>
"""
    + REPORTED_ISSUE
    + """{% if visits %}
<section>
  <h2>Visitas</h2>
  <table class="items">
    <tr><th>Data</th><th>Horário</th><th>Tipo</th><th>Técnico</th><th>Situação</th></tr>
    {% for visit in visits %}
    <tr><td>{{ visit.date }}</td><td>{{ visit.starts }}–{{ visit.ends }}</td><td>{{ visit.type }}</td>
        <td>{{ visit.technician }}</td><td>{{ visit.status }}</td></tr>
    {% endfor %}
  </table>
</section>
{% endif %}
"""
    + OCCURRENCES.replace("{% if show_photos", "{% if false")
    + """
<p class="muted">Prazo legal para o reparo conforme o Código de Defesa do Consumidor (Lei 8.078/1990, art. 18 §1º).</p>
<div class="signatures">
  <div><div class="space"></div><div class="line">{{ store.name }}</div></div>
  <div><div class="space"></div><div class="line">{{ customer.name }}<br><span class="muted">Cliente</span></div></div>
</div>
"""
)

VISIT_REPORT = (
    HEADER
    + CUSTOMER
    + """
<section>
  <h2>Visita</h2>
  <table class="fields">
    <tr><td class="label">Data</td><td>{{ visit.date }}, {{ visit.starts }}–{{ visit.ends }}</td></tr>
    <tr><td class="label">Chegada / saída</td><td>{{ visit.checked_in }}{% if visit.checked_out %} — {{ visit.checked_out }}{% endif %}</td></tr>
    <tr><td class="label">Técnico</td><td>{{ visit.technician }}</td></tr>
    <tr><td class="label">Tipo</td><td>{{ visit.type }}</td></tr>
    {% if visit.notes %}<tr><td class="label">Observação</td><td>{{ visit.notes }}</td></tr>{% endif %}
    {% if visit.technician_notes %}<tr><td class="label">Observação do técnico</td><td style="white-space: pre-wrap">{{ visit.technician_notes }}</td></tr>{% endif %}
  </table>
</section>
"""
    + REPORTED_ISSUE
    + OCCURRENCES.replace("{% if show_photos", "{% if true")
    + """
<table class="signers">
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
)

PARTS_ORDER = (
    HEADER
    + """
<section>
  <h2>Pedido de peças {{ order.number }}</h2>
  <table class="fields">
    <tr><td class="label">Fornecedor</td><td>{{ supplier.name }}{% if supplier.kind %} ({{ supplier.kind }}){% endif %}</td></tr>
    {% if supplier.cnpj %}<tr><td class="label">CNPJ</td><td>{{ supplier.cnpj }}</td></tr>{% endif %}
    {% if supplier.emails %}<tr><td class="label">E-mail</td><td>{{ supplier.emails | join(", ") }}</td></tr>{% endif %}
    {% if supplier.phone or supplier.whatsapp %}<tr><td class="label">Telefone</td><td>{{ supplier.phone }}{% if supplier.phone and supplier.whatsapp %} · {% endif %}{% if supplier.whatsapp %}WhatsApp {{ supplier.whatsapp }}{% endif %}</td></tr>{% endif %}
    <tr><td class="label">Modalidade</td><td>{{ order.payer }}</td></tr>
    <tr><td class="label">Situação</td><td>{{ order.status }}</td></tr>
    <tr><td class="label">Data do pedido</td><td>{{ order.created_on }}</td></tr>
    <tr><td class="label">Assistência</td><td>{{ case.number }}{% if contract %} — contrato {{ contract.number }}{% endif %}</td></tr>
    <tr><td class="label">Entregar para</td><td>{{ order.delivery.to }}: {{ order.delivery.name }} — {{ order.delivery.address.line }}{% if order.delivery.address.cep %} — CEP&nbsp;{{ order.delivery.address.cep }}{% endif %}</td></tr>
    {% if order.notes %}<tr><td class="label">Observação</td><td>{{ order.notes }}</td></tr>{% endif %}
  </table>
</section>
<section>
  <h2>Itens</h2>
  <table class="items">
    <tr><th>Item</th><th>Código</th><th class="num">Qtd.</th><th>Ação</th><th class="num">Custo unit.</th><th class="num">Total</th></tr>
    {% for item in order.items %}
    <tr><td>{{ item.description }}</td><td>{{ item.code }}</td><td class="num">{{ item.quantity }} {{ item.unit }}</td>
        <td>{{ item.action }}</td><td class="num">{{ item.unit_cost }}</td><td class="num">{{ item.total }}</td></tr>
    {% endfor %}
    <tr class="total"><td colspan="5">Total{% if order.items_without_cost %} ({{ order.items_without_cost }} item(ns) sem custo){% endif %}</td><td class="num">{{ order.total }}</td></tr>
  </table>
</section>
"""
    + OCCURRENCES.replace("{% if show_photos", "{% if false")
    + """
<div class="signatures">
  <div><div class="space"></div><div class="line">{{ store.name }}<br><span class="muted">Solicitante</span></div></div>
  <div><div class="space"></div><div class="line">{{ supplier.name }}<br><span class="muted">Fornecedor</span></div></div>
</div>
"""
)

FACTORY_CLAIM = (
    """
<style>.claim-photo { margin: 4pt 0 8pt 0; page-break-inside: avoid; } .claim-photo img { max-width: 100%; max-height: 150mm; display: block; }</style>
"""
    + HEADER.replace("{{ case.number }}", "{{ claim.number }}").lstrip("\n")
    + """<section>
  <h2>Fábrica</h2>
  <table class="fields">
    <tr><td class="label">Fábrica</td><td>{{ factory.name }}</td></tr>
    {% if factory.cnpj %}<tr><td class="label">CNPJ</td><td>{{ factory.cnpj }}</td></tr>{% endif %}
    {% if factory.emails %}<tr><td class="label">E-mail de reclamações</td><td>{{ factory.emails | join(", ") }}</td></tr>{% endif %}
    {% if claim.factory_reference %}<tr><td class="label">Referência da fábrica</td><td>{{ claim.factory_reference }}</td></tr>{% endif %}
    <tr><td class="label">Situação</td><td>{{ claim.status }}</td></tr>
    <tr><td class="label">Valor reclamado</td><td>{{ claim.claimed }}</td></tr>
  </table>
</section>
<section>
  <h2>Assistências</h2>
  <table class="items">
    <tr><th>Assistência</th><th>Cliente</th><th>Contrato</th><th>Reclamação do cliente</th><th>Prazo (CDC art. 18)</th></tr>
    {% for c in claim_cases %}
    <tr><td>{{ c.number }}</td><td>{{ c.customer }}</td><td>{{ c.contract }}</td><td>{{ c.opened_on }}</td><td>{{ c.due_on }}</td></tr>
    {% endfor %}
  </table>
</section>
<section>
  <h2>Itens reclamados</h2>
  <table class="items">
    <tr><th>Item</th><th>Código</th><th class="num">Qtd.</th><th>Pedido</th><th class="num">Valor</th></tr>
    {% for item in claim_items %}
    <tr><td>{{ item.description }}<br><span class="muted">{{ item.case_number }}</span></td><td>{{ item.code }}</td>
        <td class="num">{{ item.quantity }} {{ item.unit }}</td><td>{{ item.outcome }}</td><td class="num">{{ item.amount }}</td></tr>
    {% if item.contract %}
    <tr><td colspan="5" class="muted">Contrato {{ item.contract.number }} — {{ item.contract.room }}{% if item.contract.product_line %} / {{ item.contract.product_line }}{% endif %}
      {% if item.contract.finish %} · Acabamento: {{ item.contract.finish }}{% endif %}{% if item.contract.dimensions %} · Medidas: {{ item.contract.dimensions }}{% endif %}
      {% if item.contract.factory_order_number %} · Pedido de fábrica: {{ item.contract.factory_order_number }}{% endif %}
      {% if item.contract.invoice_number %} · NF-e {{ item.contract.invoice_number }}{% if item.contract.invoice_on %} de {{ item.contract.invoice_on }}{% endif %}{% endif %}
      {% if item.contract.delivery_on %} · Entrega: {{ item.contract.delivery_on }}{% endif %}{% if item.contract.installation_on %} · Montagem: {{ item.contract.installation_on }}{% endif %}</td></tr>
    {% endif %}
    {% endfor %}
    <tr class="total"><td colspan="4">Total reclamado</td><td class="num">{{ claim.claimed }}</td></tr>
  </table>
</section>
{% for finding in findings %}
<section>
  <h2>Constatação técnica — {{ finding.case_number }}: {{ finding.type }}</h2>
  <table class="fields">
    <tr><td class="label">Ambiente / Linha</td><td>{{ finding.room }}{% if finding.product_line %} / {{ finding.product_line }}{% endif %}</td></tr>
    <tr><td class="label">Registrada em</td><td>{{ finding.filed_at }}{% if finding.author %} por {{ finding.author }}{% endif %}</td></tr>
    {% if finding.report %}<tr><td class="label">Relato do técnico</td><td>{{ finding.report }}</td></tr>{% endif %}
    {% if finding.unresolved_reason %}<tr><td class="label">Pendência</td><td>{{ finding.unresolved_reason }}</td></tr>{% endif %}
  </table>
  {% for photo in finding.photos %}
  <div class="claim-photo"><img src="{{ photo.src }}" alt="{{ photo.caption }}"><div class="muted">Foto recebida em {{ photo.taken_at }}{% if photo.caption %} — {{ photo.caption }}{% endif %}</div></div>
  {% endfor %}
</section>
{% endfor %}
{% if customer_signatures %}
<section>
  <h2>Assinatura do cliente</h2>
  {% for signer in customer_signatures %}
  <div><img class="signature-image" src="{{ signer.src }}" alt="Assinatura: {{ signer.name }}">
  <div class="muted" style="text-align: center">{{ signer.name }} — {{ signer.case_number }}, assinado em {{ signer.signed_at }}</div></div>
  {% endfor %}
</section>
{% endif %}
<p class="muted">A loja respondeu ao consumidor dentro do prazo do Código de Defesa do Consumidor (Lei 8.078/1990, art. 18) e solicita o ressarcimento dos itens acima, de responsabilidade da fábrica.</p>
"""
)

DEFAULTS: dict[DocumentKind, tuple[str, str]] = {
    DocumentKind.SERVICE_REQUEST: ("Solicitação de Assistência (padrão)", SERVICE_REQUEST),
    DocumentKind.VISIT_REPORT: ("Relatório de Visita (padrão)", VISIT_REPORT),
    DocumentKind.PARTS_ORDER: ("Pedido de Peças (padrão)", PARTS_ORDER),
    DocumentKind.FACTORY_CLAIM: ("Reclamação à Fábrica (padrão)", FACTORY_CLAIM),
}


def wrap(body: str) -> str:
    return '<!DOCTYPE html>\n<html lang="pt-BR"><head><meta charset="utf-8"></head><body>' + body + "</body></html>\n"
