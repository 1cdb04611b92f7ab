"""Tabular datasets: CSV and spreadsheets loaded as geometry-less layers.

A table is read (`reader`), typed by a Frictionless Table Schema inferred from it or stored
with the previous version (`schema`), and loaded atomically like a vector layer
(`loader`: staging -> swap, versions, history). A declared join (`join`) publishes its rows
on the geometries of a spatial layer.

Nothing is imported here: `gis.anonymise` imports `join`, and the loader imports the
registry, which imports `gis.anonymise`.
"""
