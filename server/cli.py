"""flask commands: seed-demo, create-user, sync prune."""

from __future__ import annotations

import click
from flask import Flask


def register_commands(app: Flask) -> None:
    @app.cli.command("create-user")
    @click.option("--name", required=True)
    @click.option("--email", required=True)
    @click.option("--role", type=click.Choice(["admin", "scheduler", "technician"]), required=True)
    @click.option("--store", "store_ids", type=int, multiple=True, help="Store id (repeatable)")
    @click.password_option()
    def create_user(name: str, email: str, role: str, store_ids: tuple[int, ...], password: str) -> None:
        """Create a user who can log in."""
        from sqlalchemy import select

        from server.auth.service import create_user as create
        from server.errors import Problem
        from server.extensions import db
        from server.stores.models import Store

        stores = list(db.session.scalars(select(Store).where(Store.id.in_(store_ids))))
        if len(stores) != len(set(store_ids)):
            raise click.BadParameter("unknown store id", param_hint="--store")
        try:
            user = create({"name": name, "email": email, "role": role, "password": password}, stores=stores)
        except Problem as error:
            raise click.ClickException(str(error.data.get("errors") or error.description)) from None
        db.session.commit()  # a command is one unit of work: the services only flush
        click.echo(f"created {user.role} {user.email} (id {user.id})")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create the demo store "Loja Demo" with users, customers, contracts and cases (idempotent)."""
        from server.demo import seed
        from server.extensions import db

        lines = seed()
        db.session.commit()  # a command is one unit of work: the services only flush
        for line in lines:
            click.echo(line)

    @app.cli.group("sync")
    def sync() -> None:
        """Offline sync housekeeping."""

    @sync.command("prune")
    def sync_prune() -> None:
        """Remove tombstones, visit exits and rejections older than SYNC_TOMBSTONE_DAYS."""
        from server.sync.prune import prune

        removed = prune()
        for table, count in sorted(removed.items()):
            click.echo(f"{table}: {count}")
        click.echo(f"removed {sum(removed.values())} rows older than the retention")
