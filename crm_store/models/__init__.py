"""ORM rows of the CRM store. Import every model module here so Alembic sees the tables."""

from crm_store.base import Base
from crm_store.models import outbox, payments, sales
from crm_store.models.contacts import ContactRow
from crm_store.models.enums import ComplaintStatus, Direction, InteractionKind, LeadStatus
from crm_store.models.idempotency import IdempotencyKeyRow
from crm_store.models.interactions import InteractionRow
from crm_store.models.leads import LeadRow, LeadTransitionRow
from crm_store.models.security import ApiKeyRow, PartnerAssignmentRow

__all__ = [
    "ApiKeyRow",
    "Base",
    "ComplaintStatus",
    "ContactRow",
    "Direction",
    "IdempotencyKeyRow",
    "InteractionKind",
    "InteractionRow",
    "LeadRow",
    "LeadStatus",
    "LeadTransitionRow",
    "PartnerAssignmentRow",
    "outbox",
    "payments",
    "sales",
]
