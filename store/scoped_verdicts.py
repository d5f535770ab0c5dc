"""`claim_verdicts` rows for one claim, one article or a list of claims, without the whole-table view.

Why: the view picks every claim's newest verdict and newest review with a window over the
whole `verdicts` and `reviews` tables. Filtered on a list of claims (a queue page's rows) or
an article, DuckDB computed that window for every claim first; these queries pick the
newest verdict and review among the rows of the claims in scope only, then join exactly as
the view does: the column list and the joins are the view's own text
(`store.migrations.CLAIM_VERDICT_COLUMNS` / `CLAIM_VERDICT_JOINS`), so they cannot drift
apart. Measured on a 100,000-claim database (issue #16, benchmarks/RESULTS.md): a queue
page's 25 rows 75 -> 42 ms of CPU, an article's claims 39 -> 35 ms; one claim's row costs
what the filtered view costs (DuckDB pushes a single claim id through the window), and is
read here for uniformity. `tests/test_scoped_verdicts.py` compares their rows with the view's.

The scopes are fixed SQL with named parameters (`$claim`, `$article`, `$ids`); nothing
from a request is ever joined into the text.
"""

from __future__ import annotations

from store.migrations import CLAIM_VERDICT_COLUMNS, CLAIM_VERDICT_JOINS

# Each scope: (filter on the claims `c` of the view's joins, filter on `claim_id` of verdicts and reviews).
_SCOPES: dict[str, tuple[str, str]] = {
    "claim": ("c.claim_id = $claim", "claim_id = $claim"),
    "article": ("c.article_id = $article", "claim_id IN (SELECT claim_id FROM claims WHERE article_id = $article)"),
    "ids": ("c.claim_id IN (SELECT unnest($ids::VARCHAR[]))", "claim_id IN (SELECT unnest($ids::VARCHAR[]))"),
}


def claim_verdicts_sql(scope: str, extra_columns: str = "") -> str:
    """A SELECT with the columns of `claim_verdicts` (then `extra_columns`, over the same aliases
    c, a, v, r, s, d, ce) for the claims in `scope`: "claim" ($claim), "article" ($article) or
    "ids" ($ids, a list of claim ids). Rows in no particular order."""
    claims_filter, ids_filter = _SCOPES[scope]
    extra = f", {extra_columns}\n" if extra_columns else ""
    return f"""
        WITH latest_verdict AS (
            SELECT * FROM verdicts WHERE {ids_filter}
            QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY verdict_id DESC) = 1
        ),
        latest_review AS (
            SELECT * FROM reviews WHERE {ids_filter}
            QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY review_id DESC) = 1
        )
{CLAIM_VERDICT_COLUMNS}{extra}{CLAIM_VERDICT_JOINS}        WHERE {claims_filter}
    """
