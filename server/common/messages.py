"""Marshmallow's validation messages in Brazilian Portuguese.

The office and the phone show these messages next to the fields, so the whole application
speaks pt-BR. They are set once, on marshmallow's classes, before any schema is built.
"""

from typing import Any

from marshmallow import Schema, fields, validate

_FIELD_MESSAGES: dict[type[fields.Field[Any]], dict[str, str]] = {
    fields.Field: {
        "required": "Campo obrigatório.",
        "null": "Campo obrigatório.",
        "validator_failed": "Valor inválido.",
    },
    fields.String: {"invalid": "Informe um texto.", "invalid_utf8": "Texto com codificação inválida."},
    fields.Number: {"invalid": "Informe um número.", "too_large": "Número grande demais."},
    fields.Integer: {"invalid": "Informe um número inteiro."},
    fields.Decimal: {"special": "Informe um número válido."},
    fields.Boolean: {"invalid": "Informe verdadeiro ou falso."},
    fields.DateTime: {
        "invalid": "Data e hora inválidas.",
        "invalid_awareness": "Data e hora inválidas.",
        "format": "Data e hora inválidas.",
    },
    fields.Date: {"invalid": "Data inválida.", "format": "Data inválida."},
    fields.Email: {"invalid": "E-mail inválido."},
    fields.UUID: {"invalid_uuid": "Identificador inválido."},
    fields.Nested: {"type": "Formato inválido."},
    fields.List: {"invalid": "Informe uma lista."},
    fields.Mapping: {"invalid": "Formato inválido."},
    fields.Enum: {"unknown": "Valor não permitido. Opções: {choices}."},
}


def use_portuguese_messages() -> None:
    for cls, messages in _FIELD_MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {
        "type": "Formato inválido.",
        "unknown": "Campo desconhecido.",
    }
    validate.Length.message_min = "Informe ao menos {min} caracteres."
    validate.Length.message_max = "Use no máximo {max} caracteres."
    validate.Length.message_all = "Use entre {min} e {max} caracteres."
    validate.Length.message_equal = "Use exatamente {equal} caracteres."
    validate.Range.message_gte = "maior ou igual a"
    validate.Range.message_gt = "maior que"
    validate.Range.message_lte = "menor ou igual a"
    validate.Range.message_lt = "menor que"
    validate.Range.message_min = "Deve ser {min_op} {{min}}."
    validate.Range.message_max = "Deve ser {max_op} {{max}}."
    validate.Range.message_all = "Deve estar entre {{min}} e {{max}}."
    validate.OneOf.default_message = "Valor não permitido. Opções: {choices}."
    validate.Email.default_message = "E-mail inválido."
    validate.Regexp.default_message = "Formato inválido."
