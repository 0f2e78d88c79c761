"""An ERP write's failure as a problem the client can act on.

ErpConflict     -> CONFLICT         read the customer again (new version), then retry
ErpRejected     -> ERP_REJECTED     the ERP's own message (an invalid VAT id, ...)
ErpNotFound     -> NOT_FOUND
ErpUnavailable  -> ERP_UNAVAILABLE  retry later; nothing was written on the CRM side
"""

from __future__ import annotations

from erp_gateway.errors import ErpConflict, ErpError, ErpNotFound, ErpRejected
from workflows.problems import Problem, ProblemCode, problem

CONFLICT_MESSAGE = "the customer changed in the ERP since that version; read it again and retry"


def erp_problem(exc: ErpError, *path: str) -> Problem:
    if isinstance(exc, ErpConflict):
        return problem(ProblemCode.CONFLICT, CONFLICT_MESSAGE, *path)
    if isinstance(exc, ErpRejected):
        return problem(ProblemCode.ERP_REJECTED, f"the ERP refused: {exc.message}", *path)
    if isinstance(exc, ErpNotFound):
        return problem(ProblemCode.NOT_FOUND, "no such customer in the ERP", *path)
    return problem(
        ProblemCode.ERP_UNAVAILABLE,
        "the ERP cannot be reached; nothing was changed, try again later",
        *path,
    )
