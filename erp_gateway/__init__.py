"""The ERP behind a port: ``ErpGateway``, its records, errors, adapters and wrappers."""
