"""Each ERP failure becomes the problem code the client acts on, keeping the ERP's words."""

from __future__ import annotations

import pytest

from erp_gateway.errors import ErpConflict, ErpError, ErpNotFound, ErpRejected, ErpUnavailable
from workflows.erp_problems import erp_problem
from workflows.problems import ProblemCode


@pytest.mark.parametrize(
    ("error", "code", "keeps_message"),
    [
        (ErpConflict("party changed since 2026-11-25 10:00"), ProblemCode.CONFLICT, False),
        (ErpRejected('The VAT number "DE123" is not valid.'), ProblemCode.ERP_REJECTED, True),
        (ErpNotFound("no party C1"), ProblemCode.NOT_FOUND, False),
        (ErpUnavailable("connect: refused 127.0.0.1:8000"), ProblemCode.ERP_UNAVAILABLE, False),
    ],
)
def test_erp_errors_map_to_problem_codes(
    error: ErpError, code: ProblemCode, keeps_message: bool
) -> None:
    found = erp_problem(error, "lead_id")
    assert found.code is code
    assert found.field == ("lead_id",)
    assert (error.message in found.message) is keeps_message
