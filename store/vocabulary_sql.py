"""SQL built from the claim vocabulary (`claims/vocabulary.py`), and the one review-queue order.

The views, the review desk's queries, the CLI's queue and the doctor all order or filter
verdicts; they take the SQL from here, so a verdict's name, its place in review order
and whether it is a problem are written once, in the enum.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from claims.vocabulary import PROBLEM_VERDICTS, VERDICT_ORDER

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?$")


def _column(column: str) -> str:
    """Only a (qualified) column name may be joined into SQL here, never a value."""
    if not _IDENTIFIER.match(column):
        raise ValueError(f"not a column name: {column!r}")
    return column


def sql_list(values: Iterable[str]) -> str:
    """('a', 'b', ...): a SQL list of string literals."""
    return "(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"


VERDICT_LIST = sql_list(VERDICT_ORDER)
PROBLEM_LIST = sql_list(v for v in VERDICT_ORDER if v in PROBLEM_VERDICTS)


def verdict_order_sql(column: str) -> str:
    """A sort key putting verdicts in review order (problems first); NULL and unknown names last."""
    whens = " ".join(f"WHEN '{v}' THEN {i}" for i, v in enumerate(VERDICT_ORDER))
    return f"CASE {_column(column)} {whens} ELSE {len(VERDICT_ORDER)} END"


def problem_sql(column: str) -> str:
    """True when the verdict is a problem (contradicted, misrepresented, unverifiable); false when NULL."""
    return f"coalesce({_column(column)} IN {PROBLEM_LIST}, false)"


# The review queue, as the review desk shows it, over `claim_verdicts` columns: claims no
# editor has reviewed first, problem verdicts first, then the most probably wrong first
# (the calibrated `problem_probability`, claims/decision.py; rows without it, judged
# before calibration, fall back to the least confident first; a claim never judged has no
# confidence and comes first), then in article and text order.
# `flagged_claims.queue_position`, the desk and `claimdesk demo` all use this order.
QUEUE_ORDER = (
    f"reviewed_verdict IS NOT NULL, {problem_sql('verdict')} DESC,"
    " coalesce(problem_probability, CASE WHEN confidence IS NULL THEN 2.0 ELSE 1.0 - confidence END) DESC,"
    " article_title, start_char, claim_id"
)
