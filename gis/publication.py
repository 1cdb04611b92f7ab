"""The store's publication state, made whole at migrate time and at service start-up.

A read must never change schemas, so nothing here runs on a request: ``twin db migrate``
(after the migrations), ``twin serve`` (before it listens) and ``twin catalog export`` call
`prepare_publication`; loads, declaration changes and edits keep each view current in their
own transactions (`gis.anonymise.refresh_published_view`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from gis import registry
from gis.anonymise import ensure_published_views, sync_pseudonym_secret


@dataclass(frozen=True)
class PublicationReport:
    """What `prepare_publication` changed."""

    #: the stored pseudonym key changed (the views that hash were rebuilt)
    secret_changed: bool
    #: layers holding data that had no published view (loaded by an older release)
    views_created: list[str]


def prepare_publication(engine: Engine, secret: str | None) -> PublicationReport:
    """Store the deployment's pseudonym key (views that hash rebuilt when it changed) and
    create the published view of every vector layer that holds data and has none, in one
    transaction."""
    with engine.begin() as conn:
        layers = registry.list_layers(conn, kinds=["vector", "bim"])
        changed = sync_pseudonym_secret(conn, secret, layers)
        created = ensure_published_views(conn, layers)
    return PublicationReport(changed, created)
