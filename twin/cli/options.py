"""The options the commands share, spelled once: the same flag for the same thing on every
command that takes it.

``--layer`` names the layer a command writes when its arguments are files (``twin ingest``);
commands about one layer take it as their argument (``twin build dem LAYER``). Then
``--manifest``, ``--title``, ``--licence``, ``--access``, ``--frequency``, ``--producer``,
``--contact-name``, ``--contact-email``, ``--crs`` (the source's CRS), ``--strict``,
``--json`` (machine-readable output) and ``--output`` (where a file or folder is written).
Old spellings stay as hidden options (``--access-level``, ``--out``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer

Access = Literal["open", "shared", "closed"]

LayerOption = Annotated[str, typer.Option("--layer", help="layer id")]
ManifestOption = Annotated[Path | None, typer.Option(
    "--manifest", help="layer manifest (YAML); default: config/layers.yml when present")]
TitleOption = Annotated[str | None, typer.Option(
    "--title", help="title in English (a layer the manifest does not title)")]
LicenceOption = Annotated[str | None, typer.Option("--licence", help="EU licence code or IRI")]
AccessOption = Annotated[Access | None, typer.Option(
    "--access", help="who may read the layer (a new layer the manifest does not open is "
    "closed)")]
FrequencyOption = Annotated[str | None, typer.Option(
    "--frequency", help="EU update-frequency code or IRI")]
ProducerOption = Annotated[str | None, typer.Option("--producer", help="producer service")]
ContactNameOption = Annotated[str | None, typer.Option("--contact-name",
                                                       help="contact point name")]
ContactEmailOption = Annotated[str | None, typer.Option("--contact-email",
                                                        help="contact point e-mail")]
StrictOption = Annotated[bool, typer.Option("--strict", help="any quality issue is fatal")]
JsonOption = Annotated[bool, typer.Option("--json", help="print the result as JSON")]
InspireThemeOption = Annotated[list[str] | None, typer.Option(
    "--inspire-theme", help="INSPIRE theme code (cp, tn, bu, el, us...); repeat for several")]
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", help="tcp://HOST:PORT of a running Dask scheduler to build on (default: "
    "TWIN_DASK_SCHEDULER); the work folder must be at the same path on its workers")]
ClusterWorkersOption = Annotated[int | None, typer.Option(
    "--workers", min=1, help="start a local Dask cluster of N worker processes (1 thread "
    "each) for this build; default: in-process")]
PublishOption = Annotated[str | None, typer.Option(
    "--publish", help="after the build, copy the product to this fsspec URL "
    "(s3://bucket/prefix, gs://..., a folder) for a static host or CDN; options from "
    "TWIN_STORAGE_OPTIONS; only open layers, unless --restricted-target")]
RestrictedTargetOption = Annotated[bool, typer.Option(
    "--restricted-target", help="the --publish target is itself access-controlled (a "
    "private bucket): layers that are not open may be copied there")]
