"""The open-data catalogue: DCAT-AP 3.0 records of the layers a caller may see.

``records`` gathers what the store knows (versions, downloads), ``graph`` turns it into RDF,
``shacl`` validates it offline against the shipped DCAT-AP shapes, ``mqa`` scores it like
data.europa.eu, ``freshness`` compares declared frequencies with the last loads and ``html``
renders the page of each dataset.
"""
