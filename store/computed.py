"""Reading computed evidence (issue #15): the arithmetic behind a claim's newest machine verdict,
with its operand statements, as the claim page and its JSON twin show it."""

from __future__ import annotations

from typing import Any

import duckdb


def computed_for_claim(con: duckdb.DuckDBPyConnection, claim_id: str) -> dict[str, Any] | None:
    """The newest machine verdict's computed evidence with each operand statement quoted, or None.

    Operands come back in the expression's order (earlier period first); a statement a
    later source revision removed is still named by its id, with no text.
    """
    row = con.execute(
        """
        SELECT ce.operation, ce.expression, ce.result, ce.result_low, ce.result_high, ce.unit, ce.fits,
               ce.operand_statement_ids, ce.operand_values
        FROM computed_evidence ce
        WHERE ce.verdict_id = (SELECT max(verdict_id) FROM verdicts WHERE claim_id = $claim)
        """, {"claim": claim_id}).fetchone()
    if row is None:
        return None
    operation, expression, result, low, high, unit, fits, ids, values = row
    found = {r[0]: r[1:] for r in con.execute(
        """
        SELECT s.statement_id, s.text, s.quantity_text, s.period, s.source_id, d.title
        FROM source_statements s LEFT JOIN source_documents d USING (source_id)
        WHERE s.statement_id IN (SELECT unnest($ids::VARCHAR[]))
        """, {"ids": list(ids)}).fetchall()}
    operands = []
    for sid, value in zip(ids, values, strict=True):
        text, quantity_text, period, source_id, title = found.get(sid, (None, None, None, None, None))
        operands.append({"statement_id": sid, "value": value, "text": text, "quantity_text": quantity_text,
                         "period": period, "source_id": source_id, "source_title": title})
    return {"operation": operation, "expression": expression, "result": result, "low": low, "high": high,
            "unit": unit, "fits": fits, "operands": operands}
