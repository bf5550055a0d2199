"""Document numbers (AT-2026-00042, PD-2026-00007): gap-free per store, kind and year.

A number is taken by an UPDATE of the store's row, so concurrent creations queue on that row
lock (PostgreSQL) or on the write lock (SQLite) and each gets the next number; a creation that
rolls back gives its number back with everything else. Each kind keeps `<kind>_number_year`
and `<kind>_number_last` columns on the store.
"""

from enum import StrEnum

from sqlalchemy import case, column, table, update

from server.database import AnySession


class Numbered(StrEnum):
    CASE = "case"  # Assistência: AT-…
    ORDER = "order"  # Pedido de peças: PD-…


PREFIXES = {Numbered.CASE: "AT", Numbered.ORDER: "PD"}


def next_number(session: AnySession, store_id: int, kind: Numbered, year: int) -> str:
    year_col, last_col = f"{kind}_number_year", f"{kind}_number_last"
    stores = table("stores", column("id"), column(year_col), column(last_col))
    same_year = stores.c[year_col] == year
    stmt = (
        update(stores)
        .where(stores.c.id == store_id)
        .values({last_col: case((same_year, stores.c[last_col] + 1), else_=1), year_col: year})
        .returning(stores.c[last_col])
    )
    sequence = session.connection().execute(stmt).scalar_one()
    return f"{PREFIXES[kind]}-{year}-{sequence:05d}"
