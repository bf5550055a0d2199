from marshmallow import Schema, fields

from server.meta.labels import ENUMS


def _labels(enum_name: str) -> fields.Dict:
    codes = list(ENUMS[enum_name][0])
    return fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"description": f"code → label; codes: {', '.join(codes)}"},
    )


MetaOut = Schema.from_dict({name: _labels(name) for name in ENUMS}, name="MetaOut")
