"""flask commands: seed-demo, create-user, sync prune, storage migrate, backup, restore."""

from __future__ import annotations

from pathlib import Path

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

    @app.cli.group("storage")
    def storage_group() -> None:
        """Stored files (photos, signatures, logos, documents)."""

    @storage_group.command("migrate")
    def storage_migrate() -> None:
        """Copy the local folder (UPLOAD_FOLDER) into the bucket of STORAGE_URL; run it again at will."""
        from flask import current_app

        from server.attachments import storage

        if not current_app.config.get("STORAGE_URL"):
            raise click.ClickException("set STORAGE_URL (s3://bucket/prefix) to the bucket to copy into")
        source = storage.LocalStorage(storage.upload_root())
        copied, skipped = storage.copy_all(source, storage.get_storage())
        click.echo(f"{source.root} -> {current_app.config['STORAGE_URL']}: copied {copied}, already there {skipped}")

    @app.cli.command("backup")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path), required=False)
    def backup_command(archive: Path | None) -> None:
        """Copy the SQLite database (online) and every stored file into ARCHIVE (.tar.gz)."""
        from datetime import UTC, datetime

        from flask import current_app

        from server.ops.backup import BackupError, backup

        if archive is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            archive = Path(current_app.instance_path) / "backups" / f"assistec-{stamp}.tar.gz"
        try:
            summary = backup(archive)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"{archive}: database at {summary.revision} ({summary.database_bytes} bytes), {summary.files} files")

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace the database and the stored files without asking.")
    def restore_command(archive: Path, yes: bool) -> None:
        """Replace the SQLite database and the stored files with ARCHIVE's (stop web and worker first)."""
        from server.ops.backup import BackupError, restore

        if not yes:
            click.confirm("Replace the database and every stored file with the archive's?", abort=True)
        try:
            summary = restore(archive)
        except BackupError as error:
            raise click.ClickException(str(error)) from None
        click.echo(f"restored the database at {summary.revision} and {summary.files} files from {archive}")
        click.echo("then: flask db upgrade (an older archive's schema is brought to this code's)")
