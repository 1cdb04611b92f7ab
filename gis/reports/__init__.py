"""Citizens' located reports ("fix my street"): a registry layer and its status workflow.

Each report is a feature of one vector layer (``citizen_reports`` by default): the raw table
is what staff read and edit -- through `twin reports`, the staff API or QGIS over OGC API
Features Part 4 (`gis.edit`) --, and its ``publish`` view is what everybody else sees: the
anonymisation rules of the layer drop the description and the e-mail and snap the point to a
grid (`gis.anonymise`). A trigger on the table guards every status change, whoever makes it,
and logs it (``twin.report_status_change``); photos live beside the layer, never in it.
"""
