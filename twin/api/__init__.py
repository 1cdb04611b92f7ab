"""HTTP routers of the publication services (catalogue, downloads), one module each."""
