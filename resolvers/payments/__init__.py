"""Payments and their notices in the schema: payments, import, templates, preview."""
