"""`runner: dask`: the index and check flows on a 2-worker LocalCluster write the same rows
as the local runner and as the service run inline (no Prefect).

Workers are processes (`dask.processes: true`, the default): each loads spaCy and the
embedding model itself (about 5-10 s here), which is what a real cluster does. Batches
of 2 files make the 6 articles three tasks, so both workers get work.
"""

from __future__ import annotations

import dataclasses
import shutil

import duckdb
import numpy as np
import pytest

from claimdesk.settings import DaskSettings, Settings
from flows import service
from flows.prefect_flows import check_articles_flow, index_sources_flow, on_runner

from .conftest import DEVSET

pytestmark = pytest.mark.slow

# Everything but ids of runs, sequence numbers and timestamps; floats rounded, because
# torch on a worker process may run with another thread count (last-bit differences).
_TABLES = {
    "articles": "SELECT article_id, path, title, text, content_hash FROM articles",
    "claims": "SELECT * EXCLUDE (created_at) FROM claims",
    "source_statements": "SELECT * FROM source_statements",
    "matches": "SELECT claim_id, statement_id, rank, round(similarity, 4), round(dense, 4), round(lexical, 4) FROM matches",
    "verdicts": "SELECT claim_id, verdict, round(confidence, 4), flagged, statement_id, round(similarity, 4), agree, disagree,"
                " judge_version FROM verdicts",
}


def _snapshot(db: str) -> tuple[dict[str, list[tuple[object, ...]]], dict[tuple[str, str], np.ndarray]]:
    con = duckdb.connect(db, read_only=True)
    try:
        tables = {name: sorted(con.execute(sql).fetchall(), key=repr) for name, sql in _TABLES.items()}
        vectors = {(h, m): np.asarray(v, dtype=np.float32)
                   for h, m, v in con.execute("SELECT text_hash, model, vector FROM embeddings").fetchall()}
    finally:
        con.close()
    return tables, vectors


def _run(settings: Settings, how: str, indexed: str) -> str:
    """Index the sources (on Dask; the others copy the inline run's index) and check the articles."""
    db = str(settings.resolve(settings.database))
    articles = [str(DEVSET / "articles")]
    if how == "dask":
        on_runner(index_sources_flow, settings)([str(DEVSET / "sources")], settings, False)
    else:
        shutil.copy(indexed, db)
    if how == "inline":
        summary = service.check_articles(articles, settings)
    else:
        summary = on_runner(check_articles_flow, settings)(articles, settings, False)
    assert len(summary.processed) == 6 and not summary.errors
    return db


def test_dask_local_cluster_writes_the_same_rows(settings, prefect_harness, tmp_path, monkeypatch):
    if not (DEVSET / "articles").exists():
        pytest.skip("no data/devset")
    monkeypatch.setattr(service, "BATCH_SIZE", 2)
    on = {
        how: dataclasses.replace(settings, database=str(tmp_path / f"{how}.duckdb"), runner=runner,
                                 dask=DaskSettings(n_workers=2, threads_per_worker=1, processes=True))
        for how, runner in (("inline", "local"), ("local", "local"), ("dask", "dask"))
    }
    indexed = str(tmp_path / "indexed.duckdb")
    service.index_sources([str(DEVSET / "sources")], dataclasses.replace(settings, database=indexed))
    snaps = {how: _snapshot(_run(s, how, indexed)) for how, s in on.items()}

    base_tables, base_vectors = snaps["local"]
    assert len(base_tables["claims"]) >= 60 and len(base_tables["verdicts"]) == len(base_tables["claims"])
    for how in ("inline", "dask"):
        tables, vectors = snaps[how]
        for name in _TABLES:
            assert tables[name] == base_tables[name], f"{how}: {name} differs from the local runner"
        assert vectors.keys() == base_vectors.keys(), f"{how}: different texts embedded"
        for key, vec in vectors.items():
            np.testing.assert_allclose(vec, base_vectors[key], atol=1e-5)

    # The run record names the runner that did the work.
    con = duckdb.connect(str(tmp_path / "dask.duckdb"), read_only=True)
    runner = con.execute("SELECT details->>'runner' FROM runs WHERE kind = 'check'").fetchone()
    con.close()
    assert runner is not None and runner[0].startswith("dask LocalCluster(2 processes")
