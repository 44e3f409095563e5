"""Shared infrastructure: settings, database session, errors, i18n, pagination."""
