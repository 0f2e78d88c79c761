"""Processes that span the ERP and the CRM store (payment notices, the outbox worker)."""
