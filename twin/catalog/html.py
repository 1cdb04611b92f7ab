"""The HTML page of a dataset: what it is, under which licence, a map preview, downloads, APIs.

Plain server-side HTML (escaped everywhere), no script: harvesters and people both read it.
The preview is an inline SVG drawn from the published view, never from the raw table.
"""

from __future__ import annotations

from html import escape

from sqlalchemy import Connection

from gis import anonymise, vocab
from gis.model import Layer
from twin.catalog import sql
from twin.catalog.distributions import distributions
from twin.catalog.records import DatasetRecord
from twin.catalog.service import context
from twin.settings import Settings

STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
svg{border:1px solid #ccc;background:#f8f8f4}path{fill:#3a7bd5;fill-opacity:.35;stroke:#1d3f6e;
stroke-width:1;vector-effect:non-scaling-stroke}code{font-size:.8em}"""


def preview_svg(conn: Connection, layer_id: str, width: int = 480, height: int = 320) -> str:
    """An inline SVG of the published geometries ('' when the layer holds none)."""
    statement = sql.preview_svg_paths(layer_id)
    driver = conn.connection.driver_connection
    rendered = statement.as_string(driver)
    row = conn.exec_driver_sql(rendered).one_or_none()
    if row is None or row[0] is None or not row[4]:
        return ""
    x, y_max, w, h, paths = row
    w, h = max(w, 1.0), max(h, 1.0)
    shapes = "".join(f'<path d="{escape(p)}"/>' for p in paths if p)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="{x} {-y_max} {w} {h}" preserveAspectRatio="xMidYMid meet" '
            f'role="img" aria-label="map preview">{shapes}</svg>')


def _size(value: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024  # type: ignore[assignment]
    return str(value)


def _downloads(settings: Settings, record: DatasetRecord) -> str:
    """Every file and tileset of the dataset, as the DCAT graph lists them (`distributions`)."""
    rows = []
    for dist in distributions(context(settings), record):
        if dist.kind == "api":
            continue
        size = (_size(dist.byte_size) if dist.byte_size is not None
                else "built on first download")
        digest = f"<code>{dist.checksum}</code>" if dist.checksum else "-"
        crs = f"EPSG:{dist.srid}" if dist.srid is not None else "-"
        rows.append(f'<tr><td><a href="{escape(dist.access_url)}">'
                    f"{escape(dist.title.get('en', dist.key))}</a></td><td>{crs}</td>"
                    f"<td>{size}</td><td>{digest}</td></tr>")
    if not rows:
        return "<p>no files yet</p>"
    return ("<table><tr><th>file</th><th>CRS</th><th>size</th><th>SHA-256</th></tr>"
            + "".join(rows) + "</table>")


def aggregates(conn: Connection, layer: Layer) -> str:
    """Counts per class of generalised or suppressed fields; cells below k are suppressed."""
    if layer.current_version is None or layer.spec.kind != "vector":
        return ""
    published = set(anonymise.published_columns(conn, layer.table))
    sections = []
    for name, rule in layer.spec.personal_fields.items():
        if rule.rule not in ("generalise", "suppress") or name not in published:
            continue
        if rule.rule == "generalise" and "grid" in rule.params:
            continue
        rows = "".join(
            f"<tr><td>{escape('-' if value is None else value)}</td>"
            f"<td>{'&lt; ' + str(anonymise.SUPPRESS_DEFAULT_K) if n is None else n}</td></tr>"
            for value, n in anonymise.counts_by(conn, layer, name))
        sections.append(f"<h3>{escape(name)}</h3><table><tr><th>class</th><th>features</th>"
                        f"</tr>{rows}</table>")
    if not sections:
        return ""
    return ("<h2>Counts per class</h2><p>Cells with fewer than "
            f"{anonymise.SUPPRESS_DEFAULT_K} features are suppressed.</p>" + "".join(sections))


def dataset_page(conn: Connection, settings: Settings, record: DatasetRecord) -> str:
    layer = record.layer
    spec = layer.spec
    base = settings.base_url
    descriptions = "".join(f'<p lang="{escape(lang)}">{escape(text)}</p>'
                           for lang, text in spec.description.items())
    licence = vocab.short_code(spec.licence).replace("_", " ")
    vector = spec.kind == "vector"  # only vector layers have a published view to draw
    svg = preview_svg(conn, layer.table) if layer.current_version and vector else ""
    features = (f'<li><a href="{base}/collections/{layer.id}">OGC API Features collection</a>'
                f'</li><li><a href="{base}/collections/{layer.id}/items">items (GeoJSON)</a></li>'
                f'<li><a href="{base}/collections/{layer.id}/tilejson.json">vector tiles '
                "(TileJSON)</a></li>") if vector else ""
    api = (f'<ul>{features}<li><a href="{base}/catalog/datasets/{layer.id}.ttl">DCAT-AP '
           f'(Turtle)</a></li><li><a href="{base}/catalog/datasets/{layer.id}.jsonld">DCAT-AP '
           "(JSON-LD)</a></li></ul>")
    facts = [("identifier", layer.id), ("publisher", settings.publisher_name),
             ("producer", spec.producer), ("access", spec.access_level),
             ("update frequency", vocab.short_code(spec.update_frequency)),
             ("first published", str(record.issued or "-")),
             ("last updated", str(record.modified or "-")),
             ("features", str(layer.feature_count if layer.feature_count is not None else "-")),
             ("keywords", ", ".join(spec.keywords) or "-")]
    fact_rows = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in facts)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        f"{escape(spec.label())}</title><style>{STYLE}</style></head><body>"
        f'<p><a href="{base}/catalog">catalogue</a></p><h1>{escape(spec.label())}</h1>'
        f"{descriptions}<p>Licence: <a href=\"{escape(spec.licence)}\">{escape(licence)}</a>. "
        f'Contact: <a href="mailto:{escape(spec.contact_point.email)}">'
        f"{escape(spec.contact_point.name)}</a>.</p><table>{fact_rows}</table>"
        f"<h2>Map preview</h2>{svg or '<p>no data yet</p>'}<h2>Downloads</h2>"
        f"{_downloads(settings, record)}{aggregates(conn, layer)}<h2>APIs</h2>{api}"
        "</body></html>"
    )


def catalog_index(settings: Settings, records: list[DatasetRecord]) -> str:
    """The HTML list of the datasets a caller may see."""
    base = settings.base_url
    items = "".join(
        f'<li><a href="{base}/catalog/datasets/{r.layer.id}">{escape(r.layer.spec.label())}</a>'
        f" ({escape(r.layer.spec.access_level)})</li>" for r in records)
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Catalogue'
            f"</title><style>{STYLE}</style></head><body><h1>Geodata catalogue of "
            f"{escape(settings.publisher_name)}</h1><p>DCAT-AP: "
            f'<a href="{base}/catalog.ttl">Turtle</a>, <a href="{base}/catalog.jsonld">JSON-LD</a>,'
            f' <a href="{base}/catalog.rdf">RDF/XML</a></p><ul>{items}</ul></body></html>')


