"""Processes and rules above the stores: lead workflow and conversion, imports, payment notices,
the outbox, demo data. Imports erp_gateway and crm_store, never resolvers or api."""
