from typing import Any

from server.auth.access import public
from server.meta.labels import meta_document
from server.meta.schemas import MetaOut
from server.openapi import Blueprint

blp = Blueprint("meta", __name__, url_prefix="/api/meta", description="Rótulos dos códigos da API")


@blp.get("")
@public
@blp.response(200, MetaOut)
def get_meta() -> dict[str, Any]:
    """The pt-BR label of every code the API answers with (`payer`, `appointment_status`, …).

    Public and the same for every store: the login screen and a technician's phone offline show
    them. The PWA's build carries a copy (pwa/src/data/meta.json), checked against this document."""
    return meta_document()
