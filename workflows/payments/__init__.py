"""Payment notices: import payments from ERP exports, render notices, send them via the outbox."""
