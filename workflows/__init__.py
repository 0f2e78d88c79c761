"""Processes and rules above the stores: CRM writes, the lead workflow, imports, demo data."""
