"""Brazilian identifiers and addresses: CPF/CNPJ (python-stdnum), CEP, UF, phones."""

from __future__ import annotations

from stdnum.br import cnpj, cpf
from stdnum.exceptions import ValidationError as StdnumError

from server.common.text import digits

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


def normalize_document(value: str) -> tuple[str, str]:
    """('cpf' | 'cnpj', digits) for a valid CPF or CNPJ; ValueError with a pt-BR message."""
    number = digits(value)
    try:
        if len(set(number)) == 1:  # 111.111.111-11 passes the check digits but is never issued
            raise StdnumError()
        if len(number) == 11:
            return "cpf", cpf.validate(number)
        if len(number) == 14:
            return "cnpj", cnpj.validate(number)
    except StdnumError:
        kind = "CPF" if len(number) == 11 else "CNPJ"
        raise ValueError(f"{kind} inválido: confira os dígitos.") from None
    raise ValueError("Informe um CPF (11 dígitos) ou CNPJ (14 dígitos).")


def normalize_cnpj(value: str) -> str:
    kind, number = normalize_document(value)
    if kind != "cnpj":
        raise ValueError("Informe um CNPJ (14 dígitos).")
    return number


def format_document(number: str | None) -> str | None:
    if not number:
        return number
    return cpf.format(number) if len(number) == 11 else cnpj.format(number)


def normalize_cep(value: str) -> str:
    number = digits(value)
    if len(number) != 8 or number == "00000000":
        raise ValueError("CEP inválido: use 8 dígitos, como 01310-100.")
    return number


def normalize_phone(value: str) -> str:
    """Digits with area code (DDD): 10 for landlines, 11 for mobiles (which start with 9)."""
    number = digits(value)
    if number.startswith("55") and len(number) in (12, 13):
        number = number[2:]
    if len(number) not in (10, 11) or number[0] == "0" or number[1] == "0":
        raise ValueError("Telefone inválido: informe DDD e número, como (11) 98765-4321.")
    if len(number) == 11 and number[2] != "9":
        raise ValueError("Celular inválido: o número deve começar com 9 após o DDD.")
    return number
