"""The pt-BR entries every new store starts with; admins edit them afterwards."""

from server.catalogs.models import CatalogKind

DEFAULTS: dict[CatalogKind, list[str]] = {
    CatalogKind.OCCURRENCE_TYPES: [
        "Defeito de fabricação",
        "Avaria no transporte",
        "Erro de montagem",
        "Mau uso",
        "Peça faltante",
        "Produto divergente",
        "Erro de projeto/medição",
        "Regulagem/ferragens",
        "Umidade/empenamento",
    ],
    CatalogKind.OCCURRENCE_STATUSES: [
        "Em análise",
        "Aguardando peças",
        "Aguardando fábrica",
        "Peças recebidas",
        "Correção agendada",
        "Resolvida",
        "Não procedente",
    ],
    CatalogKind.APPOINTMENT_TYPES: [
        "Vistoria",
        "Reparo",
        "Retorno",
        "Entrega de peças",
        "Troca de peças",
        "Regulagem",
    ],
    CatalogKind.ROOMS: [
        "Cozinha",
        "Área de serviço",
        "Dormitório casal",
        "Dormitório solteiro",
        "Dormitório infantil",
        "Closet",
        "Banheiro",
        "Lavabo",
        "Sala de estar",
        "Sala de jantar",
        "Home office",
        "Varanda gourmet",
    ],
    CatalogKind.PRODUCT_LINES: [
        "Cozinhas",
        "Dormitórios",
        "Closets",
        "Banheiros",
        "Salas e home theater",
        "Home office",
        "Área de serviço",
        "Portas e painéis",
    ],
}
