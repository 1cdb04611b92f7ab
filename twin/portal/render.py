"""Rendering: one Jinja2 environment (autoescaped) and the context every page shares."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from twin.portal import labels
from twin.portal.i18n import LANGUAGE_NAMES, LANGUAGES, Translator, negotiate
from twin.settings import Settings

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Built on first use (never at import); templates are read once."""
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals["labels"] = labels
    env.filters["size"] = human_size
    return env


def human_size(value: int | None, t: Translator) -> str:
    if value is None:
        return t("built_on_demand")
    size = float(value)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{t.number(round(size, 1))} {unit}"
        size /= 1024
    return str(value)


def translator(request: Request) -> Translator:
    return Translator(negotiate(request.query_params.get("lang"),
                                request.headers.get("accept-language")))


def with_params(request: Request, **changes: str | int | None) -> str:
    """This page's path and query with some parameters changed (None removes one)."""
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in changes]
    params += [(k, str(v)) for k, v in changes.items() if v is not None]
    query = urlencode(params)
    settings: Settings = request.app.state.settings
    return settings.base_url + request.url.path + (f"?{query}" if query else "")


def link(base: str, path: str, lang: str, params: dict[str, object] | None = None) -> str:
    """An internal link (absolute: a proxy's path prefix is kept) in the page's language."""
    pairs: list[tuple[str, str]] = [("lang", lang)]
    for key, value in (params or {}).items():
        if isinstance(value, list | tuple):
            pairs += [(key, str(v)) for v in value]
        elif value is not None:
            pairs.append((key, str(value)))
    return f"{base}{path}?{urlencode(pairs)}"


def page_html(settings: Settings, t: Translator, template: str,
              switch: Sequence[tuple[str, str, str]], **values: Any) -> str:
    """A page of the portal's layout (also the catalogue's, which has no request)."""
    return environment().get_template(template).render(
        t=t, lang=t.lang, switch=switch, settings=settings, base=settings.base_url,
        u=lambda path, **params: link(settings.base_url, path, t.lang, params), **values)


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    """A page in the visitor's language, with the switch to the same page in the others."""
    t: Translator = values.pop("t", None) or translator(request)
    settings: Settings = request.app.state.settings
    switch = [(code, LANGUAGE_NAMES[code], with_params(request, lang=code))
              for code in LANGUAGES]
    body = page_html(settings, t, template, switch,
                     with_params=lambda **kw: with_params(request, **kw), **values)
    return HTMLResponse(body, status_code=status,
                        headers={"Content-Language": t.lang, "Vary": "Accept-Language"})
