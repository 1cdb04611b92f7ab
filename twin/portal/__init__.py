"""The public portal at ``/portal/``: find, preview, download and react to the open data.

Server-rendered pages (Jinja2, one base layout, readable without JavaScript) in French, Dutch
and English; scripts only enhance the map (MapLibre GL JS from npm, served by the product)
and the table preview (the OGC API). Everything is read from the registry and the portal's
own tables through typed `gis` functions.
"""
