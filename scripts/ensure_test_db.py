"""Create the PostgreSQL test database if the server is reachable.

Exit 0 when the database is ready, 2 when the server cannot be reached. `make test` turns 2
into a failure in CI (CI=true) and into a loud warning on a developer's machine.
"""

import sys

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url


def main(url: str) -> int:
    parsed = make_url(url)
    name = parsed.database
    admin = parsed.set(drivername="postgresql", database="postgres")
    try:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True, connect_timeout=5) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"created test database {name}")
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable at {parsed.host}:{parsed.port or 5432}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
