"""Case numbers: AT-<year>-<5 digits>, gap-free per store and year.

The number is taken by an UPDATE of the store's row, so concurrent creations queue on that
row lock (PostgreSQL) or on the write lock (SQLite) and each gets the next number; a creation
that rolls back gives its number back with everything else.
"""

from sqlalchemy import case, column, table, update

from server.database import AnySession

_stores = table("stores", column("id"), column("case_number_year"), column("case_number_last"))


def next_case_number(session: AnySession, store_id: int, year: int) -> str:
    same_year = _stores.c.case_number_year == year
    stmt = (
        update(_stores)
        .where(_stores.c.id == store_id)
        .values(
            case_number_last=case((same_year, _stores.c.case_number_last + 1), else_=1),
            case_number_year=year,
        )
        .returning(_stores.c.case_number_last)
    )
    sequence = session.connection().execute(stmt).scalar_one()
    return f"AT-{year}-{sequence:05d}"
