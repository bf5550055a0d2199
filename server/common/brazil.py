"""Brazilian identifiers and addresses: CPF/CNPJ (python-stdnum, alphanumeric CNPJ included), CEP, UF,
phones."""

from __future__ import annotations

import re

from stdnum.br import cnpj, cpf
from stdnum.exceptions import ValidationError as StdnumError

UFS = [
    "AC",
    "AL",
    "AP",
    "AM",
    "BA",
    "CE",
    "DF",
    "ES",
    "GO",
    "MA",
    "MT",
    "MS",
    "MG",
    "PA",
    "PB",
    "PR",
    "PE",
    "PI",
    "RJ",
    "RN",
    "RS",
    "RO",
    "RR",
    "SC",
    "SP",
    "SE",
    "TO",
]


# What people type around the characters of a document: dots, dashes, slashes, blanks and
# parentheses are dropped; anything else (a letter in a CPF, an emoji, a comma) is refused rather
# than cleaned away, so that what is stored is what was meant.
PUNCTUATION = ".-/ ()"
_STRAY = re.compile(r"[^0-9A-Za-z.\-/ ()]")
_CNPJ = re.compile(r"[0-9A-Z]{12}[0-9]{2}")
STRAY_MESSAGE = "Use só números e a pontuação . - / ( )."


def _compact(value: str) -> str:
    """The characters of a document without punctuation; ValueError on a stray character."""
    if _STRAY.search(value):
        raise ValueError(STRAY_MESSAGE)
    return "".join(c for c in value if c not in PUNCTUATION).upper()


def normalize_document(value: str) -> tuple[str, str]:
    """('cpf' | 'cnpj', characters) for a valid CPF or CNPJ; ValueError with a pt-BR message.

    The CNPJ may be alphanumeric (issued from July 2026): letters A–Z in its first 12 positions,
    check digits by the Receita Federal rule (each character counts as its ASCII code − 48)."""
    number = _compact(value)
    try:
        if len(number) == 11:
            if not number.isdigit():
                raise ValueError("CPF inválido: use só números.")
            if len(set(number)) == 1:  # 111.111.111-11 passes the check digits but is never issued
                raise StdnumError()
            return "cpf", cpf.validate(number)
        if len(number) == 14:
            if not _CNPJ.fullmatch(number):
                raise ValueError("CNPJ inválido: letras só nas 12 primeiras posições; os 2 últimos são dígitos.")
            if len(set(number)) == 1:
                raise StdnumError()
            return "cnpj", cnpj.validate(number)
    except StdnumError:
        kind = "CPF" if len(number) == 11 else "CNPJ"
        raise ValueError(f"{kind} inválido: confira os dígitos.") from None
    raise ValueError("Informe um CPF (11 dígitos) ou CNPJ (14 caracteres).")


def normalize_cnpj(value: str) -> str:
    """A valid CNPJ, numeric or alphanumeric, as its 14 characters ("12ABC34501DE35")."""
    kind, number = normalize_document(value)
    if kind != "cnpj":
        raise ValueError("Informe um CNPJ (14 caracteres).")
    return number


def format_document(number: str | None) -> str | None:
    """ "529.982.247-25", "11.222.333/0001-81", "12.ABC.345/01DE-35"."""
    if not number:
        return number
    return cpf.format(number) if len(number) == 11 else cnpj.format(number)


def normalize_cep(value: str) -> str:
    number = _compact(value)
    if len(number) != 8 or not number.isdigit() or number == "00000000":
        raise ValueError("CEP inválido: use 8 dígitos, como 01310-100.")
    return number


def normalize_phone(value: str) -> str:
    """Digits with area code (DDD): 10 for landlines, 11 for mobiles (which start with 9)."""
    number = _compact(value.removeprefix("+"))
    if not number.isdigit():
        raise ValueError("Telefone inválido: use só números, como (11) 98765-4321.")
    if number.startswith("55") and len(number) in (12, 13):
        number = number[2:]
    if len(number) not in (10, 11) or number[0] == "0" or number[1] == "0":
        raise ValueError("Telefone inválido: informe DDD e número, como (11) 98765-4321.")
    if len(number) == 11 and number[2] != "9":
        raise ValueError("Celular inválido: o número deve começar com 9 após o DDD.")
    return number
