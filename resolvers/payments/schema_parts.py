"""What payment notices contribute to the schema's composition (``resolvers/schema.py``)."""

from __future__ import annotations

from resolvers.node import NodeLoader
from resolvers.payments.mutations import PaymentMutation
from resolvers.payments.queries import (
    PaymentQuery,
    load_notice_template_node,
    load_payment_node,
)

PAYMENT_QUERIES: tuple[type, ...] = (PaymentQuery,)
PAYMENT_MUTATIONS: tuple[type, ...] = (PaymentMutation,)
PAYMENT_NODE_LOADERS: dict[str, NodeLoader] = {
    "Payment": load_payment_node,
    "NoticeTemplate": load_notice_template_node,
}
