"""Alembic environment: the engine comes from the caller (``gis.migrate``), never from a file."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy import Connection

from gis.schema import REGISTRY_SCHEMA
from gis.schema.tables import metadata

config = context.config


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=REGISTRY_SCHEMA,
        include_schemas=True,
        include_object=alembic_helpers.include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through gis.migrate.upgrade(engine)")
run_migrations(connection)
