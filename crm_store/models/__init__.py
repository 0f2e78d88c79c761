"""ORM rows of the CRM store. Import every model module here so Alembic sees the tables."""

from crm_store.base import Base
from crm_store.models import outbox, payments

__all__ = ["Base", "outbox", "payments"]
