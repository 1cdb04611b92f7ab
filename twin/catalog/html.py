"""The catalogue's HTML pages (``/catalog.html``, ``/catalog/datasets/<id>.html``), in the
portal's layout so the whole site is one product.

What harvesters and people read: the dataset with human labels (licence, frequency), its
preview as an inline SVG drawn from the published view (never the raw table), counts per
class of generalised or suppressed fields, every file and API. The richer, multilingual page
is the portal's (``/portal/datasets/<id>``), which these pages link to. These routes carry
no language choice, so they are in English; everything is escaped by the templates.
"""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import Connection

from gis import anonymise
from gis.model import FEATURE_KINDS, Layer
from twin.catalog import sql
from twin.catalog.distributions import Distribution, distributions
from twin.catalog.records import DatasetRecord
from twin.catalog.service import context
from twin.portal import labels
from twin.portal.i18n import Translator
from twin.portal.render import page_html
from twin.settings import Settings

ENGLISH = Translator("en")


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
    shapes = "".join(f'<path d="{Markup.escape(p)}"/>' for p in paths if p)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="{x} {-y_max} {w} {h}" preserveAspectRatio="xMidYMid meet" '
            f'role="img" aria-label="map preview" class="preview">{shapes}</svg>')


def aggregates(conn: Connection, layer: Layer) -> list[tuple[str, list[tuple[str, str]]]]:
    """Counts per class of generalised or suppressed fields; cells below k are suppressed
    (shown as "< k")."""
    if layer.current_version is None or layer.spec.kind not in FEATURE_KINDS:
        return []
    published = set(anonymise.published_columns(conn, layer.table))
    sections = []
    for name, rule in layer.spec.personal_fields.items():
        if rule.rule not in ("generalise", "suppress") or name not in published:
            continue
        if rule.rule == "generalise" and "grid" in rule.params:
            continue
        rows = [("-" if value is None else str(value),
                 f"< {anonymise.SUPPRESS_DEFAULT_K}" if n is None else str(n))
                for value, n in anonymise.counts_by(conn, layer, name)]
        sections.append((name, rows))
    return sections


def _files(settings: Settings, record: DatasetRecord) -> list[Distribution]:
    """Every file and tileset of the dataset, as the DCAT graph lists them."""
    return [d for d in distributions(context(settings), record) if d.kind != "api"]


def dataset_page(conn: Connection, settings: Settings, record: DatasetRecord) -> str:
    layer = record.layer
    vector = layer.spec.kind in FEATURE_KINDS  # only features have geometries to draw
    svg = preview_svg(conn, layer.table) if layer.current_version and vector else ""
    return page_html(
        settings, ENGLISH, "catalog_dataset.html", [], record=record, layer=layer,
        spec=layer.spec, vector=vector, svg=Markup(svg),
        licence=labels.licence(layer.spec.licence, "en"),
        frequency=labels.frequency(layer.spec.update_frequency, "en"),
        files=_files(settings, record), aggregates=aggregates(conn, layer),
        k=anonymise.SUPPRESS_DEFAULT_K)


def catalog_index(settings: Settings, records: list[DatasetRecord]) -> str:
    """The HTML list of the datasets a caller may see."""
    return page_html(settings, ENGLISH, "catalog_index.html", [], records=records)
