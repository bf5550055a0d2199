"""Stores: creating one seeds its catalogs and print layouts and makes its creator a member."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server.auth.models import User
from server.catalogs.service import seed_catalogs
from server.extensions import db
from server.stores.models import Store


def create_store(data: dict[str, Any], creator: User | None = None) -> Store:
    store = Store(**data)
    db.session.add(store)
    db.session.flush()
    seed_catalogs(store)
    from server.documents.service import default_layouts

    default_layouts(store, creator)
    if creator is not None:
        creator.stores.append(store)
    db.session.commit()
    return store


def update_store(store: Store, data: dict[str, Any]) -> Store:
    for key, value in data.items():
        setattr(store, key, value)
    db.session.commit()
    return store


def stores_of(user: User) -> list[Store]:
    return list(db.session.scalars(select(Store).where(Store.id.in_(user.store_ids)).order_by(Store.name)))
