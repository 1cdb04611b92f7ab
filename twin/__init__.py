"""The application: settings, CLI, HTTP service (OGC API, tiles, viewer) and catalogue."""
