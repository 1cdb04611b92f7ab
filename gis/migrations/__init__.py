"""Alembic migrations owning the store's schema (run with ``twin db migrate``)."""
