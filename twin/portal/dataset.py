"""Everything a dataset page shows, gathered for one visitor and one language.

Labels come from `twin.portal.labels`, freshness from `twin.catalog.freshness`, the MQA score
from `twin.catalog.mqa` over the dataset's own DCAT graph, files from
`twin.catalog.distributions` (the same list the DCAT catalogue publishes), attribute
summaries and usage from `gis.portal`. Costly parts (the MQA graph, attribute scans) are
cached per layer state, so a page costs a few small reads once warm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from gis import inspire_themes, registry
from gis.access import decide
from gis.model import Layer, LayerVersion
from gis.portal.attributes import Summaries, summarise
from gis.portal.feedback import Item, list_items
from gis.portal.usage import Usage, monthly_usage
from twin.access import Caller
from twin.catalog import mqa, service
from twin.catalog.distributions import Distribution, distributions
from twin.catalog.freshness import freshness
from twin.catalog.records import DatasetRecord, dataset_records
from twin.catalog.vocab import DCAT, RDF
from twin.portal import labels
from twin.portal.charts import Chart, bar_chart
from twin.portal.charts_sql import first_rows
from twin.portal.i18n import Translator
from twin.portal.index import Entry
from twin.settings import Settings

#: criteria the page cannot evaluate alone (SHACL validation runs in `twin catalog validate`)
NOT_EVALUATED = frozenset({"DCAT-AP compliant", "checksum (not scored)"})


@dataclass(frozen=True)
class Badge:
    text: str
    late: bool


def freshness_badge(layer: Layer, t: Translator, now: datetime | None = None) -> Badge:
    """"à jour" / "en retard de N jours" against the declared frequency."""
    state = freshness(layer, now)
    if state.overdue_days is None:
        return Badge(t("no_schedule"), False)
    if layer.last_load is None:
        return Badge(t("never_loaded"), True)
    if state.overdue:
        return Badge(t("late", n=t.number(int(state.overdue_days) or 1)), True)
    return Badge(t("fresh"), False)


@dataclass(frozen=True)
class Quality:
    score: int
    rating: str
    missing: tuple[str, ...]


def _own_urls(base_url: str) -> mqa.Probe:
    """The page's probe: URLs this product serves answer (it is serving them now); the full
    probe over HTTP is ``twin catalog score``'s."""
    return lambda url: 200 if url.startswith(base_url) else 0


_MQA_CACHE: dict[tuple[Any, ...], Quality] = {}


def quality_score(settings: Settings, record: DatasetRecord) -> Quality:
    """The MQA score of the dataset, computed once per state of the layer and its files."""
    layer = record.layer
    key = (layer.id, layer.updated_at, layer.current_version, layer.edit_seq,
           tuple(sorted((f, c, d.sha256) for (f, c), d in record.downloads.items())))
    found = _MQA_CACHE.get(key)
    if found is None:
        graph = service.dataset_graph(settings, record)
        node = next(iter(graph.subjects(RDF.type, DCAT.Dataset)))
        score = mqa.score_dataset(graph, node, _own_urls(settings.base_url), True, {})
        missing = tuple(name for name, points in score.points.items()
                        if points == 0 and name not in NOT_EVALUATED)
        found = Quality(score.total, mqa.rating(score.total), missing)
        if len(_MQA_CACHE) > 2048:
            _MQA_CACHE.clear()
        _MQA_CACHE[key] = found
    return found


_SUMMARY_CACHE: dict[tuple[Any, ...], Summaries] = {}


def attribute_summaries(conn: Connection, caller: Caller, layer: Layer) -> Summaries | None:
    """Summaries of what the visitor may read (None: no features to summarise)."""
    if layer.spec.kind != "vector" or layer.current_version is None:
        return None
    relation = decide(caller, layer, "relation").relation
    if relation is None:
        return None
    key = (layer.id, layer.current_version, layer.edit_seq, layer.updated_at, relation)
    found = _SUMMARY_CACHE.get(key)
    if found is None:
        found = summarise(conn, relation, layer.id)
        if len(_SUMMARY_CACHE) > 1024:
            _SUMMARY_CACHE.clear()
        _SUMMARY_CACHE[key] = found
    return found


#: rows a table's chart preview shows (the first ones, in row order)
CHART_ROWS = 20
_INTEGERS = frozenset({"smallint", "integer", "bigint"})
_NUMERIC = _INTEGERS | {"numeric", "real", "double precision"}


def _chart_columns(layer: Layer, columns: list[tuple[str, str]]) -> tuple[str | None, str] | None:
    """(label column, numeric column) of a table's chart: the join's choropleth column, else
    the first decimal one (else integer); labels from the join key, else the first text
    column."""
    # decimals first: an integer column is as often a code (article, year) as a measure
    numeric = sorted((name for name, pg_type in columns if pg_type in _NUMERIC),
                     key=lambda name: dict(columns)[name] in _INTEGERS)
    join = layer.spec.join
    value = join.style_column if join is not None and join.style_column in numeric else (
        numeric[0] if numeric else None)
    if value is None:
        return None
    texts = [name for name, pg_type in columns if pg_type in ("text", "character varying")]
    label = join.on if join is not None and join.on in dict(columns) else (
        texts[0] if texts else None)
    return label, value


def table_chart(conn: Connection, caller: Caller, layer: Layer, t: Translator
                ) -> Chart | None:
    """A bar chart of a table's first rows on a numeric column, drawn on the server (None:
    not a table, nothing numeric, or nothing the visitor may read)."""
    if layer.spec.kind != "table" or layer.current_version is None:
        return None
    relation = decide(caller, layer, "relation").relation
    if relation is None:
        return None
    columns = registry.attribute_columns(conn, [layer.id]).get(relation, [])
    chosen = _chart_columns(layer, columns)
    if chosen is None:
        return None
    label, value = chosen
    rows = [(str(k), float(v)) for k, v in first_rows(conn, relation, label, value, CHART_ROWS)]
    if not rows:
        return None
    title = t("chart_title", column=value, n=t.number(len(rows)))
    description = t("chart_desc", column=value, label=label or t("row"),
                    min=t.number(min(v for _, v in rows)), max=t.number(max(v for _, v in rows)))
    return bar_chart(title, description, rows, t.number)


@dataclass(frozen=True)
class DatasetPage:
    entry: Entry
    record: DatasetRecord
    title: str
    title_lang: str
    description: str
    description_lang: str
    licence: str
    frequency: str
    themes: tuple[str, ...]
    inspire: tuple[str, ...]
    badge: Badge
    quality: Quality
    files: tuple[Distribution, ...]
    apis: tuple[Distribution, ...]
    summaries: Summaries | None
    versions: tuple[LayerVersion, ...]
    usage: tuple[tuple[date, Usage], ...]
    questions: tuple[Item, ...]
    reuses: tuple[Item, ...]
    background: tuple[str, ...]
    chart: Chart | None = None


def build_page(conn: Connection, settings: Settings, caller: Caller, entry: Entry,
               t: Translator, background: tuple[str, ...]) -> DatasetPage:
    layer = entry.layer
    spec = layer.spec
    order = settings.portal_languages
    record = dataset_records(conn, [layer], settings.data_dir)[0]
    title, title_lang = t.pick({str(k): v for k, v in spec.title.items()}, order)
    description, description_lang = t.pick({str(k): v for k, v in spec.description.items()}, order)
    dists = distributions(service.context(settings), record)
    since = (datetime.now(UTC) - timedelta(days=365)).date().replace(day=1)
    versions = [v for v in registry.history(conn, layer.id) if v.version is not None]
    return DatasetPage(
        entry=entry, record=record, title=title, title_lang=title_lang,
        description=description, description_lang=description_lang,
        licence=labels.licence(spec.licence, t.lang),
        frequency=labels.frequency(spec.update_frequency, t.lang),
        themes=tuple(labels.theme(th, t.lang) for th in spec.theme),
        inspire=tuple(inspire_themes.THEMES[code].label(t.lang) for code in spec.inspire_themes),
        badge=freshness_badge(layer, t), quality=quality_score(settings, record),
        files=tuple(d for d in dists if d.kind != "api"),
        apis=tuple(d for d in dists if d.kind == "api"),
        summaries=attribute_summaries(conn, caller, layer),
        versions=tuple(sorted(versions, key=lambda v: -(v.version or 0))),
        usage=tuple(monthly_usage(conn, layer.id, since)),
        questions=tuple(list_items(conn, "feedback", [layer.id], ("published",))),
        reuses=tuple(list_items(conn, "reuse", [layer.id], ("published",))),
        background=background, chart=table_chart(conn, caller, layer, t))
