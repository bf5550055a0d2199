"""What the demo store holds: its people, customers, issues, cases, suppliers and findings.

Plain data, read by `server.demo`, which writes it through the domain services. Documents
(CPF/CNPJ) are given without their check digits, which are computed when seeding.
"""

from __future__ import annotations

from datetime import date, time
from typing import NamedTuple

from server.auth.models import Role
from server.cases.models import CaseStatus
from server.occurrences.models import ItemAction, Payer
from server.suppliers.models import SupplierKind

# --- the store and its people -------------------------------------------------------------

STORE_NAME = "Loja Demo"
TIMEZONE = "America/Sao_Paulo"
PASSWORD = "assistec-demo"  # documented: shared by every demo login
SEED = 42

STORE = {
    "name": STORE_NAME,
    "phone": "1130425566",
    "email": "contato@demo.assistec.com.br",
    "address": {
        "cep": "01442000",
        "street": "Alameda Gabriel Monteiro da Silva",
        "number": "1480",
        "complement": "Loja 2",
        "district": "Jardim América",
        "city": "São Paulo",
        "state": "SP",
    },
    "timezone": TIMEZONE,
    "repair_deadline_days": 30,
}
STORE_CNPJ_BASE = "458213760001"  # 12 digits; the check digits are computed


class DemoUser(NamedTuple):
    role: Role
    name: str
    email: str
    phone: str | None


USERS = [
    DemoUser(Role.ADMIN, "Helena Figueiredo Duarte", "admin@demo.assistec.com.br", None),
    DemoUser(Role.SCHEDULER, "Cláudia Regina Pereira", "atendimento@demo.assistec.com.br", None),
    DemoUser(Role.TECHNICIAN, "José Carlos Batista", "tecnico1@demo.assistec.com.br", "11987412305"),
    DemoUser(Role.TECHNICIAN, "Marcos Vinícius Lima", "tecnico2@demo.assistec.com.br", "11976305518"),
]

# --- customers ----------------------------------------------------------------------------


class DemoCustomer(NamedTuple):
    name: str
    street: str
    cep: str
    district: str
    city: str
    company: bool = False  # a CNPJ instead of a CPF
    assistance_only: bool = False  # registered just for an assistance: no contract


CUSTOMERS = [
    DemoCustomer("Mariana Oliveira Santos", "Rua Harmonia", "05435000", "Vila Madalena", "São Paulo"),
    DemoCustomer("Rafael Almeida Costa", "Rua Tuiuti", "03081000", "Tatuapé", "São Paulo"),
    DemoCustomer("Juliana Ferreira Lima", "Rua Vergueiro", "04101000", "Vila Mariana", "São Paulo"),
    DemoCustomer("Bruno Carvalho Ribeiro", "Rua Oscar Freire", "01426001", "Jardim Paulista", "São Paulo"),
    DemoCustomer("Camila Rodrigues Souza", "Alameda dos Maracatins", "04089001", "Moema", "São Paulo"),
    DemoCustomer("Thiago Pereira Gomes", "Rua Turiassu", "05005000", "Perdizes", "São Paulo"),
    DemoCustomer("Fernanda Martins Araújo", "Rua Voluntários da Pátria", "02010000", "Santana", "São Paulo"),
    DemoCustomer("Lucas Barbosa Rocha", "Rua Cardeal Arcoverde", "05407000", "Pinheiros", "São Paulo"),
    DemoCustomer("Patrícia Nogueira Dias", "Avenida Angélica", "01227000", "Higienópolis", "São Paulo"),
    DemoCustomer("Gustavo Mendes Teixeira", "Rua Alvorada", "04550000", "Vila Olímpia", "São Paulo"),
    DemoCustomer("Aline Cardoso Moreira", "Rua Domingos de Morais", "04010100", "Vila Mariana", "São Paulo"),
    DemoCustomer("Eduardo Correia Pinto", "Rua Clélia", "05042000", "Água Branca", "São Paulo"),
    DemoCustomer("Beatriz Cavalcanti Freitas", "Rua Haddock Lobo", "01414001", "Cerqueira César", "São Paulo"),
    DemoCustomer("Rodrigo Azevedo Monteiro", "Rua Itapura", "03310000", "Vila Gomes Cardim", "São Paulo"),
    DemoCustomer("Larissa Moura Campos", "Avenida Jabaquara", "04046000", "Saúde", "São Paulo"),
    DemoCustomer("Felipe Castro Vieira", "Rua Apinajés", "05017000", "Perdizes", "São Paulo"),
    DemoCustomer("Renata Duarte Fonseca", "Rua Pamplona", "01405000", "Jardim Paulista", "São Paulo"),
    DemoCustomer("André Lopes Machado", "Rua Azevedo Soares", "03322000", "Tatuapé", "São Paulo"),
    DemoCustomer("Carolina Ramos Batista", "Rua Sergipe", "01243000", "Consolação", "São Paulo"),
    DemoCustomer("Marcelo Tavares Nunes", "Rua das Figueiras", "09080300", "Jardim", "Santo André"),
    DemoCustomer("Vanessa Farias Mello", "Rua Marechal Deodoro", "09710000", "Centro", "São Bernardo do Campo"),
    DemoCustomer("Diego Barros Cunha", "Rua Antônio Agu", "06013000", "Centro", "Osasco"),
    DemoCustomer("Tatiane Sales Miranda", "Alameda Rio Negro", "06454000", "Alphaville", "Barueri"),
    DemoCustomer("Ricardo Fernandes Prado", "Rua Cayowaá", "05018000", "Perdizes", "São Paulo"),
    DemoCustomer("Gabriela Antunes Peixoto", "Rua Gomes de Carvalho", "04547004", "Vila Olímpia", "São Paulo"),
    DemoCustomer("Leonardo Brandão Siqueira", "Rua Padre Estevão Pernet", "03315000", "Tatuapé", "São Paulo"),
    DemoCustomer(
        "Priscila Guimarães Xavier", "Rua Heitor Penteado", "05437000", "Sumarezinho", "São Paulo", assistance_only=True
    ),
    DemoCustomer(
        "Vinícius Rezende Couto",
        "Avenida Brigadeiro Luís Antônio",
        "01317000",
        "Bela Vista",
        "São Paulo",
        assistance_only=True,
    ),
    DemoCustomer("Luciana Pacheco Amaral", "Rua Augusta", "01305000", "Consolação", "São Paulo", assistance_only=True),
    DemoCustomer(
        "João Pedro Menezes Vasconcelos",
        "Avenida Santo Amaro",
        "04506000",
        "Vila Nova Conceição",
        "São Paulo",
        assistance_only=True,
    ),
    DemoCustomer("Padaria Pão Dourado Ltda", "Rua Teodoro Sampaio", "05405000", "Pinheiros", "São Paulo", company=True),
    DemoCustomer(
        "Clínica Sorriso Odontologia Ltda",
        "Avenida Engenheiro Luís Carlos Berrini",
        "04571000",
        "Cidade Monções",
        "São Paulo",
        company=True,
    ),
    DemoCustomer(
        "Ribeiro & Associados Advocacia", "Avenida Paulista", "01310100", "Bela Vista", "São Paulo", company=True
    ),
    DemoCustomer("Café Vila Madalena Ltda", "Rua Aspicuelta", "05433010", "Vila Madalena", "São Paulo", company=True),
]

# Reserved domains (RFC 2606): a demo must never mail a real inbox.
EMAIL_DOMAINS = ["example.com", "example.net", "example.org"]

# --- contracts: what each one may have sold (room, product line, description) --------------

ITEMS = [
    ("Cozinha", "Cozinhas", "Armários superiores e inferiores, torre quente e paneleiro"),
    ("Área de serviço", "Área de serviço", "Armário sobre a máquina de lavar e gabinete do tanque"),
    ("Dormitório casal", "Dormitórios", "Guarda-roupa com portas de correr espelhadas e cabeceira"),
    ("Dormitório solteiro", "Dormitórios", "Guarda-roupa de quatro portas, escrivaninha e nichos"),
    ("Dormitório infantil", "Dormitórios", "Cama com gavetão, guarda-roupa e prateleiras"),
    ("Closet", "Closets", "Closet aberto com gaveteiro, sapateira e iluminação de LED"),
    ("Banheiro", "Banheiros", "Gabinete suspenso e espelheira"),
    ("Lavabo", "Banheiros", "Gabinete com cuba de apoio"),
    ("Sala de estar", "Salas e home theater", "Painel e rack de home theater com porta basculante"),
    ("Home office", "Home office", "Bancada de trabalho, gaveteiro volante e estante"),
    ("Varanda gourmet", "Cozinhas", "Armários da churrasqueira e bancada"),
]
CONTRACT_FIRST_NUMBER = 101  # CT-2026-0101, CT-2026-0102, …
DELIVERY_DAYS = (date(2026, 1, 12), date(2026, 8, 28))  # deliveries fall in this range

# --- Situação Alegada, by the room it concerns (None: a customer without a contract) -------

ISSUES: dict[str | None, list[str]] = {
    "Cozinha": [
        "Porta do armário aéreo da cozinha desalinhada; bate na porta vizinha ao fechar.",
        "Gaveta de talheres travando no meio do curso; cliente acha que a corrediça empenou.",
        "MDF da base da pia estufado por umidade, junto ao sifão.",
        "Riscos no tampo da bancada, percebidos logo depois da montagem.",
        "Dobradiça da porta do armário de canto quebrada; a porta ficou caída.",
        "Peça faltante: puxador perfil de duas portas do armário inferior não veio na entrega.",
        "Nicho do forno na torre quente menor que o projeto; o forno não encaixa.",
    ],
    "Área de serviço": [
        "Porta do armário da lavanderia empenada; não fecha rente às demais.",
        "MDF estufado por umidade na lateral do gabinete, ao lado do tanque.",
    ],
    "Dormitório casal": [
        "Porta de correr do guarda-roupa saindo do trilho superior.",
        "Riscos na porta espelhada do guarda-roupa desde a montagem.",
        "Fita de borda da cabeceira descolando na lateral.",
    ],
    "Dormitório solteiro": [
        "Dobradiça da porta do guarda-roupa quebrada; porta não fecha sozinha.",
        "Peça faltante: prateleira do maleiro não foi entregue.",
    ],
    "Dormitório infantil": [
        "Gavetão da cama travando; rodízio solto.",
        "Porta do guarda-roupa desalinhada, fresta de 1 cm na parte de cima.",
    ],
    "Closet": [
        "Cabideiro do closet cedendo no meio do vão.",
        "Iluminação de LED do closet não acende; cliente suspeita de fio solto no perfil.",
        "Gaveta com frente de vidro desalinhada em relação às demais.",
    ],
    "Banheiro": [
        "MDF do gabinete do banheiro estufado por umidade na base.",
        "Espelheira com canto lascado e riscos na moldura.",
    ],
    "Lavabo": ["Porta do gabinete do lavabo desalinhada; dobradiça precisa de regulagem."],
    "Sala de estar": [
        "Porta basculante do rack não fica aberta; pistão a gás fraco.",
        "Riscos no tampo do rack do home theater.",
    ],
    "Home office": [
        "Gaveta do gaveteiro volante travando; um rodízio quebrou.",
        "Tampo da bancada de trabalho lascado na borda frontal.",
    ],
    "Varanda gourmet": ["Porta do armário da churrasqueira estufada por umidade (chuva de vento)."],
    None: [
        "Cliente mudou de imóvel e pede regulagem das portas desalinhadas do guarda-roupa.",
        "Dobradiça quebrada em armário de cozinha; cliente não localizou o número do contrato.",
        "Gaveta travando no gaveteiro do closet; móvel comprado há mais de um ano.",
    ],
}

# Why a scheduler moved a case to each status (the services require a reason).
REASONS: dict[CaseStatus, list[str]] = {
    CaseStatus.SCHEDULED: [
        "Vistoria agendada com o cliente por telefone.",
        "Visita confirmada com o cliente pelo WhatsApp.",
    ],
    CaseStatus.IN_SERVICE: ["Técnico iniciou o atendimento no local."],
    CaseStatus.PENDING: [
        "Aguardando peça de reposição da fábrica.",
        "Dobradiças de reposição encomendadas ao fornecedor.",
        "Tampo novo solicitado à fábrica; prazo de 15 dias úteis.",
    ],
    CaseStatus.CLOSED: [
        "Reparo concluído; cliente conferiu e assinou o relatório.",
        "Regulagem feita na visita; cliente satisfeito.",
    ],
    CaseStatus.CANCELLED: [
        "Cliente desistiu do atendimento.",
        "Aberta em duplicidade.",
        "Não procedente: dano por mau uso, fora da garantia.",
    ],
}

# The manual moves that lead from "open" to each status (TRANSITIONS in server.cases.service).
PATHS: dict[CaseStatus, list[CaseStatus]] = {
    CaseStatus.OPEN: [],
    CaseStatus.SCHEDULED: [CaseStatus.SCHEDULED],
    CaseStatus.IN_SERVICE: [CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE],
    CaseStatus.PENDING: [CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE, CaseStatus.PENDING],
    CaseStatus.CLOSED: [CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE, CaseStatus.CLOSED],
    CaseStatus.CANCELLED: [CaseStatus.CANCELLED],
}

# --- the cases: who, opened how many days ago, where they stand now, which technician -----
# With the 30-day deadline, a case opened more than 30 days ago and not finished is overdue.


class DemoCase(NamedTuple):
    customer: str
    days_ago: int
    status: CaseStatus
    technician: int | None  # 1 or 2: USERS' first or second technician


OPEN, SCHEDULED, IN_SERVICE = CaseStatus.OPEN, CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE
PENDING, CLOSED, CANCELLED = CaseStatus.PENDING, CaseStatus.CLOSED, CaseStatus.CANCELLED

CASES = [
    DemoCase("Rafael Almeida Costa", 58, CLOSED, 1),
    DemoCase("Juliana Ferreira Lima", 56, PENDING, 2),  # overdue: waiting for the factory
    DemoCase("Padaria Pão Dourado Ltda", 55, CLOSED, 2),
    DemoCase("Bruno Carvalho Ribeiro", 53, CANCELLED, None),
    DemoCase("Camila Rodrigues Souza", 51, PENDING, 1),  # overdue
    DemoCase("Thiago Pereira Gomes", 49, CLOSED, 1),
    DemoCase("Fernanda Martins Araújo", 47, OPEN, None),  # overdue, never scheduled
    DemoCase("Lucas Barbosa Rocha", 45, CLOSED, 2),
    DemoCase("Patrícia Nogueira Dias", 44, SCHEDULED, 1),  # overdue
    DemoCase("Clínica Sorriso Odontologia Ltda", 42, PENDING, 2),  # overdue
    DemoCase("Gustavo Mendes Teixeira", 40, CLOSED, 1),
    DemoCase("Aline Cardoso Moreira", 38, OPEN, 2),  # overdue
    DemoCase("Priscila Guimarães Xavier", 37, CANCELLED, None),
    DemoCase("Eduardo Correia Pinto", 35, IN_SERVICE, 1),  # overdue
    DemoCase("Beatriz Cavalcanti Freitas", 34, CLOSED, 2),
    DemoCase("Rodrigo Azevedo Monteiro", 33, SCHEDULED, 2),  # overdue
    DemoCase("Larissa Moura Campos", 32, OPEN, None),  # overdue
    DemoCase("Juliana Ferreira Lima", 31, CLOSED, 2),
    DemoCase("Felipe Castro Vieira", 29, PENDING, 1),  # due tomorrow
    DemoCase("Renata Duarte Fonseca", 28, OPEN, 1),  # due in two days
    DemoCase("André Lopes Machado", 27, SCHEDULED, 2),
    DemoCase("Ribeiro & Associados Advocacia", 26, IN_SERVICE, 2),
    DemoCase("Carolina Ramos Batista", 25, CLOSED, 1),
    DemoCase("Marcelo Tavares Nunes", 24, OPEN, None),
    DemoCase("Vanessa Farias Mello", 22, PENDING, 2),
    DemoCase("Vinícius Rezende Couto", 21, SCHEDULED, 1),
    DemoCase("Diego Barros Cunha", 19, CANCELLED, None),
    DemoCase("Tatiane Sales Miranda", 18, IN_SERVICE, 1),
    DemoCase("Ricardo Fernandes Prado", 16, SCHEDULED, 2),
    DemoCase("Mariana Oliveira Santos", 15, PENDING, 1),
    DemoCase("Gabriela Antunes Peixoto", 13, CLOSED, 2),
    DemoCase("Leonardo Brandão Siqueira", 12, OPEN, 1),
    DemoCase("Café Vila Madalena Ltda", 10, SCHEDULED, 1),
    DemoCase("Luciana Pacheco Amaral", 9, OPEN, None),
    DemoCase("Camila Rodrigues Souza", 8, IN_SERVICE, 2),
    DemoCase("Thiago Pereira Gomes", 7, CANCELLED, None),
    DemoCase("João Pedro Menezes Vasconcelos", 6, OPEN, None),
    DemoCase("Patrícia Nogueira Dias", 5, SCHEDULED, 2),
    DemoCase("Rafael Almeida Costa", 4, PENDING, 1),
    DemoCase("Padaria Pão Dourado Ltda", 3, OPEN, 2),
    DemoCase("Gustavo Mendes Teixeira", 2, OPEN, None),
    DemoCase("Renata Duarte Fonseca", 1, OPEN, None),
]


VISIT_SLOTS = (time(8, 30), time(10, 30), time(14, 0), time(16, 0))  # 1h30 each, in the store's clock


# (kind, name, CNPJ base without check digits, order e-mail, claims e-mail, phone, notes)
SUPPLIERS = [
    (
        SupplierKind.FACTORY,
        "Fábrica Alpha Móveis",
        "112223330001",
        "pedidos@alphamoveis.example.com",
        "sac@alphamoveis.example.com",
        "4733221100",
        "Prazo médio de entrega: 15 dias úteis.",
    ),
    (
        SupplierKind.DISTRIBUTOR,
        "Ferragens Brasil",
        "114447770001",
        "vendas@ferragensbrasil.example.com",
        "garantia@ferragensbrasil.example.com",
        "1133224455",
        None,
    ),
    (
        SupplierKind.CARRIER,
        "Transportes Rápido Sul",
        "123456780001",
        "coletas@rapidosul.example.com",
        "avarias@rapidosul.example.com",
        "5132124000",
        "Avarias: abrir reclamação em até 7 dias da entrega.",
    ),
]


# (occurrence type, payer, report, unresolved reason, items: description, quantity, action, R$, supplier)
FINDINGS: list[tuple[str, Payer, str, str, list[tuple[str, str, ItemAction, str, str]]]] = [
    (
        "Defeito de fabricação",
        Payer.FACTORY,
        "Corrediças das gavetas inferiores travando; uma delas empenada.",
        "Aguardando peças da fábrica.",
        [
            ("Corrediça telescópica 45 cm", "2", ItemAction.REPLACE, "129.90", "Fábrica Alpha Móveis"),
            ("Puxador alumínio 160 mm", "1", ItemAction.REPLACE, "45.50", "Fábrica Alpha Móveis"),
        ],
    ),
    (
        "Regulagem/ferragens",
        Payer.STORE,
        "Portas do roupeiro desalinhadas; dobradiças sem regulagem.",
        "Falta a dobradiça com amortecedor; regulagem das outras feita.",
        [
            ("Dobradiça com amortecedor 35 mm", "4", ItemAction.REPLACE, "18.90", "Ferragens Brasil"),
            ("Regulagem das portas", "1", ItemAction.ADJUST, "0.00", ""),
        ],
    ),
    (
        "Avaria no transporte",
        Payer.CARRIER,
        "Tampo da bancada lascado na quina, chegou assim na entrega.",
        "Tampo novo encomendado à transportadora.",
        [("Tampo MDF 18 mm 120×60 cm", "1", ItemAction.REPLACE, "389.00", "Transportes Rápido Sul")],
    ),
    (
        "Umidade/empenamento",
        Payer.CUSTOMER,
        "Base do gabinete da pia inchada por vazamento do sifão (do cliente).",
        "Orçamento aprovado pelo cliente; aguardando a peça.",
        [
            ("Base do gabinete MDF BP 15 mm", "1", ItemAction.REPLACE, "210.00", "Fábrica Alpha Móveis"),
            ("Fita de borda PVC", "3", ItemAction.REPAIR, "6.50", "Ferragens Brasil"),  # a repair needing a part
        ],
    ),
]
