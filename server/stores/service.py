"""Stores: creating one seeds its catalogs and print layouts and makes its creator a member."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from server.attachments.models import Attachment
from server.auth.models import User
from server.catalogs.service import seed_catalogs
from server.documents.service import default_layouts
from server.errors import ValidationFailed
from server.extensions import db
from server.stores.models import Store


def create_store(data: dict[str, Any], creator: User | None = None) -> Store:
    if data.get("logo_id") is not None:
        raise ValidationFailed({"logo_id": ["Crie a loja primeiro; depois envie o logotipo e informe-o aqui."]})
    store = Store(**data)
    db.session.add(store)
    db.session.flush()
    seed_catalogs(store)
    default_layouts(store, creator)
    if creator is not None:
        creator.stores.append(store)
    db.session.flush()
    return store


def update_store(store: Store, data: dict[str, Any]) -> Store:
    if data.get("logo_id") is not None:
        _check_logo(store, data["logo_id"])
    for key, value in data.items():
        setattr(store, key, value)
    db.session.flush()
    return store


def _check_logo(store: Store, logo_id: uuid.UUID) -> None:
    logo = db.session.get(Attachment, logo_id)
    if logo is None or logo.store_id != store.id or logo.deleted_at is not None:
        raise ValidationFailed({"logo_id": ["Imagem não encontrada nesta loja: envie o arquivo antes."]})


def stores_of(user: User) -> list[Store]:
    return list(db.session.scalars(select(Store).where(Store.id.in_(user.store_ids)).order_by(Store.name)))
