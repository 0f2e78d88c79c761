"""What can go wrong talking to an ERP.

    ErpError
     +-- ErpUnavailable     technical: timeout, connection refused, 5xx, 429, open circuit.
     |                      Reads may be retried or served stale; writes report it.
     +-- ErpRejected        logical: the ERP refused the request (invalid VAT id, ...).
     |    +-- ErpConflict   the record changed since the version the caller holds.
     +-- ErpNotFound        logical: the record does not exist.

Adapters translate their vendor's errors at the edge: ``raise ErpUnavailable(...) from exc``.
"""

from __future__ import annotations


class ErpError(Exception):
    """Base of every ERP failure."""

    def __init__(self, message: str, *, operation: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.operation = operation


class ErpUnavailable(ErpError):
    """The ERP could not answer (technical); the request may succeed later."""


class ErpRejected(ErpError):
    """The ERP answered and refused (logical); repeating the request will not help."""


class ErpConflict(ErpRejected):
    """The record's version is not the one the caller expected."""


class ErpNotFound(ErpError):
    """No such record in the ERP."""
