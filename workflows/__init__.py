"""Processes that span the ERP and the CRM store (lead conversion, payment notices, outbox)."""
