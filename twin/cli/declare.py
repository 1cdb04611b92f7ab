"""How a command declares a layer: the flags it was given (`twin.cli.options`) go to
`gis.ingest.declaration.resolve`, the one resolver every ingest path calls. Which value
wins -- manifest, flag or default -- is decided there, not here.
"""

from __future__ import annotations

from pathlib import Path

import typer
from sqlalchemy import Engine

from gis.ingest.declaration import (
    Defaults,
    GivenOptions,
    Manifest,
    Resolution,
    find_manifest,
    registered_spec,
    resolve,
)
from gis.model import AccessLevel
from twin.cli.common import err_console
from twin.settings import Settings


def defaults_for(config: Settings, title: str | None = None) -> Defaults:
    """The lowest tier of the resolver: this deployment's settings."""
    return Defaults(storage_crs=config.storage_crs, title=title)


def manifest_for(config: Settings, given: Path | None) -> Manifest | None:
    """``--manifest`` (which must exist), else the deployment's manifest when present."""
    return find_manifest(given, config.manifest)


def declare(engine: Engine, layer_id: str, given: GivenOptions, defaults: Defaults,
            manifest: Manifest | None) -> Resolution:
    """Resolve one layer (manifest > flags > defaults) against its registered declaration,
    and say on stderr what changes in it: a declaration never changes silently."""
    with engine.connect() as conn:
        registered = registered_spec(conn, layer_id)
    resolution = resolve(layer_id, given, defaults, manifest=manifest, registered=registered)
    for note in resolution.notes:
        err_console.print(f"[yellow]note:[/] layer {layer_id}: {note}", highlight=False,
                          soft_wrap=True)
    return resolution


def access_or_alias(access: AccessLevel | None, alias: AccessLevel | None) -> AccessLevel | None:
    """``--access``, or the hidden old spelling ``--access-level``; a usage error (exit 2)
    when both are given and differ."""
    if access is not None and alias is not None and access != alias:
        raise typer.BadParameter("give --access once (--access-level is its old spelling)")
    return access or alias
