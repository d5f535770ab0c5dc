"""A process keeps the statement index it loaded while the stored statements are unchanged,
and loads a new one as soon as they change (flows.steps.load_index, issue #16)."""

from __future__ import annotations

import dataclasses

import numpy as np

from flows import service, steps
from store.db import session

from .conftest import DEMO


def test_the_index_is_kept_while_the_statements_are_unchanged_and_reloaded_when_they_change(settings, tmp_path):
    service.index_sources([str(DEMO / "sources")], settings)
    first = steps.load_index(settings)
    assert first.rows
    assert steps.load_index(settings) is first

    # The same statements in another database: an index of its own, equal in content.
    other = dataclasses.replace(settings, database=str(tmp_path / "other.duckdb"))
    service.index_sources([str(DEMO / "sources")], other)
    copy = steps.load_index(other)
    assert copy is not first
    assert [r.statement_id for r in copy.rows] == [r.statement_id for r in first.rows]
    assert np.array_equal(copy.vectors, first.vectors)

    # A changed title (what a statement's evidence shows) or a removed statement: reloaded.
    with session(steps.db_path(settings)) as con:
        source_id = first.rows[0].source_id
        con.execute("UPDATE source_documents SET title = title || ' (revised)' WHERE source_id = ?", [source_id])
    retitled = steps.load_index(settings)
    assert retitled is not first
    assert retitled.rows[0].source_title.endswith(" (revised)")
    with session(steps.db_path(settings)) as con:
        con.execute("DELETE FROM source_statements WHERE statement_id = ?", [first.rows[-1].statement_id])
    fewer = steps.load_index(settings)
    assert len(fewer.rows) == len(first.rows) - 1
    assert steps.load_index(settings) is fewer
