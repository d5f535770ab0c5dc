"""Old import path of the batch functions, kept only so code written against it still
imports. New code calls `flows.service` (the batch runs: `index_sources`,
`check_articles`, `recheck`) and `flows.steps` / `flows.runs` (their steps and records).
"""

from __future__ import annotations

from flows.runs import finish_run, record_unchanged_run, start_run, unchanged_run
from flows.service import RecheckSummary, check_articles, index_sources, recheck_targets
from flows.service import recheck as recheck_claims
from flows.steps import (
    PreparedArticles,
    PreparedSources,
    RunSummary,
    db_path,
    isolated,
    read_documents,
    split_unchanged,
)
from sources.matching import StatementIndex

__all__ = ["PreparedArticles", "PreparedSources", "RecheckSummary", "RunSummary", "StatementIndex", "check_articles",
           "db_path", "finish_run", "index_sources", "isolated", "read_documents", "recheck_claims", "recheck_targets",
           "record_unchanged_run", "split_unchanged", "start_run", "unchanged_run"]
