"""``twin keys create|list|revoke``: API keys for partners (shared layers) and staff."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from gis import access
from twin.cli.common import console, domain_errors, engine_for, settings
from twin.cli.options import JsonOption

app = typer.Typer(help="Create, list and revoke API keys (stored hashed).", no_args_is_help=True)


@app.command()
@domain_errors
def create(
    role: Annotated[str, typer.Option(help="partner (shared layers of its groups) or staff")],
    group: Annotated[list[str] | None, typer.Option(help="a group the key belongs to")] = None,
    can_write: Annotated[bool, typer.Option("--can-write", help="may edit layers")] = False,
    label: Annotated[str | None, typer.Option(help="who holds the key")] = None,
) -> None:
    """Create a key and print its token once: it cannot be shown again."""
    with engine_for(settings()) as engine, engine.begin() as conn:
        key, token = access.create_key(conn, role, group or [], can_write, label)
    console.print(f"key [bold]{key.id}[/] ({key.role}; groups: {', '.join(key.groups) or '-'}"
                  f"; write: {'yes' if key.can_write else 'no'})", highlight=False)
    console.print("token (store it now, it is not kept):", highlight=False)
    typer.echo(token)


@app.command("list")
@domain_errors
def list_command(
    active: Annotated[bool, typer.Option("--active", help="hide revoked keys")] = False,
    as_json: JsonOption = False,
) -> None:
    """Every key with its role, groups and state (never the secret)."""
    with engine_for(settings()) as engine, engine.connect() as conn:
        keys = access.list_keys(conn, include_revoked=not active)
    if as_json:
        typer.echo(json.dumps([key.model_dump(mode="json") for key in keys], indent=2))
        return
    table = Table(title="API keys")
    table.add_column("id", no_wrap=True)
    for column in ("role", "groups", "write", "label", "created", "revoked"):
        table.add_column(column)
    for key in keys:
        table.add_row(key.id, key.role, ", ".join(key.groups) or "-",
                      "yes" if key.can_write else "no", key.label or "-",
                      f"{key.created_at:%Y-%m-%d %H:%M}",
                      f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-")
    console.print(table)


@app.command()
@domain_errors
def revoke(key_id: str) -> None:
    """Revoke a key at once; its audit trail is kept."""
    with engine_for(settings()) as engine, engine.begin() as conn:
        key = access.revoke_key(conn, key_id)
    console.print(f"key {key.id} revoked at {key.revoked_at:%Y-%m-%d %H:%M:%S}")
