"""ORM rows of the CRM store. Import every model module here so Alembic sees the tables."""

from crm_store.base import Base
from crm_store.models.security import ApiKeyRow, PartnerAssignmentRow

__all__ = ["ApiKeyRow", "Base", "PartnerAssignmentRow"]
