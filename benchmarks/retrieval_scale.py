"""Candidate retrieval at scale: per-claim latency and recall@10 of exact and approximate
search over 10k, 100k and 1M synthetic statement vectors.

    python -m benchmarks.retrieval_scale [--sizes 10000,100000,1000000] [--quick] [--json FILE]

Vectors: 384-d, L2-normalised, drawn to look like all-MiniLM-L6-v2 sentence embeddings
rather than uniform noise (on which every approximate index looks worse than on real
text): a Gaussian with the spectrum measured on 1,500 real embeddings of ClaimBuster
sentences (eigenvalues falling as rank^-1.07 between ranks 5 and 250, total variance
0.84) around a common mean direction of norm 0.40, in a random orthonormal basis, then
normalised. Measured: mean pairwise cosine 0.166 (real 0.163), median nearest-neighbour
cosine among 2,000 vectors 0.572 (real 0.577).

Queries ("claims"): half paraphrase a stored statement (the statement plus noise of the
same shape, cosine ~0.8 to it), half come from the same distribution with no source.
One query at a time (the per-claim latency an editor's re-check or a small batch sees),
p50 and p95 over the queries; recall@10 against exact top-10 by numpy.

Methods:
- numpy exact: one matrix-vector product and argpartition (also batched: 256 claims
  per product, per-claim time);
- DuckDB exact: `ORDER BY array_cosine_similarity(vec, ?::FLOAT[384]) DESC LIMIT 10` over a
  FLOAT[384] table (the query vector passed as text: a Python float list parameter costs
  ~0.15 ms per float in duckdb 1.5.5 without pandas, measured below);
- hnswlib HNSW (M=16, ef_construction=100, inner product), ef_search swept; the
  smallest ef reaching recall@10 >= 0.95 is the reported operating point;
- loading statement vectors back from a DuckDB `embeddings` table (FLOAT[] as the
  store keeps them): fetchall of lists (as store.writes.cached_vectors does) against
  fetchnumpy of a FLOAT[384] cast (10k and 100k).
Memory: growth of this process's RSS while building each structure.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from typing import Any

import numpy as np

from benchmarks._common import Reporter, rss_mib, run_reported

DIM = 384
SPECTRUM_SLOPE = -1.07
TOTAL_VAR = 0.84
MEAN_NORM = 0.40


def _basis(dim: int = DIM) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(12345)
    basis = np.linalg.qr(rng.standard_normal((dim, dim)))[0].astype(np.float32)
    lam = np.arange(1, dim + 1, dtype=np.float64) ** SPECTRUM_SLOPE
    lam *= TOTAL_VAR / lam.sum()
    mu = rng.standard_normal(dim)
    mu *= MEAN_NORM / np.linalg.norm(mu)
    return basis, np.sqrt(lam).astype(np.float32), mu.astype(np.float32)


def synth(n: int, seed: int = 0) -> np.ndarray:
    """n statement-like unit vectors (see the module docstring)."""
    basis, scale, mu = _basis()
    rng = np.random.default_rng(seed)
    out = np.empty((n, DIM), dtype=np.float32)
    for s in range(0, n, 100_000):
        k = min(100_000, n - s)
        x = (rng.standard_normal((k, DIM)).astype(np.float32) * scale) @ basis.T + mu
        out[s:s + k] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def queries(db: np.ndarray, n: int, seed: int = 1) -> np.ndarray:
    basis, scale, _mu = _basis()
    rng = np.random.default_rng(seed)
    half = n // 2
    picks = rng.integers(0, len(db), half)
    noise = (rng.standard_normal((half, DIM)).astype(np.float32) * scale) @ basis.T
    para = db[picks] + 0.75 * noise
    fresh = synth(n - half, seed=seed + 1000)
    q = np.vstack([para / np.linalg.norm(para, axis=1, keepdims=True), fresh]).astype(np.float32)
    return q[rng.permutation(len(q))]


def exact_topk(db: np.ndarray, q: np.ndarray, k: int = 10) -> np.ndarray:
    out = np.empty((len(q), k), dtype=np.int64)
    for s in range(0, len(q), 256):
        sims = q[s:s + 256] @ db.T
        part = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, part, 1), axis=1)
        out[s:s + 256] = np.take_along_axis(part, order, 1)
    return out


def recall(found: list[np.ndarray] | np.ndarray, truth: np.ndarray) -> float:
    k = truth.shape[1]
    return float(np.mean([len(set(map(int, f[:k])) & set(map(int, t))) / k for f, t in zip(found, truth, strict=False)]))


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs) * 1000, p))


def _vec_text(v: np.ndarray) -> str:
    return "[" + ",".join(map(repr, v.astype(np.float64).tolist())) + "]"


def duckdb_table(con: Any, db: np.ndarray) -> None:
    """Load vectors into `v(id, vec FLOAT[384])` from numpy columns (no per-float Python objects)."""
    con.execute(f"CREATE TABLE v (id BIGINT, vec FLOAT[{DIM}])")
    expr = "[" + ",".join(f"c{j}" for j in range(DIM)) + f"]::FLOAT[{DIM}]"
    for s in range(0, len(db), 50_000):
        chunk = db[s:s + 50_000]
        cols = {f"c{j}": np.ascontiguousarray(chunk[:, j]) for j in range(DIM)}
        cols["id"] = np.arange(s, s + len(chunk), dtype=np.int64)
        con.register("cols", cols)
        con.execute(f"INSERT INTO v SELECT id, {expr} FROM cols")
        con.unregister("cols")


def bench_size(n: int, rep: Reporter, *, quick: bool, n_queries: int, ef_list: list[int], skip_exact: bool = False) -> None:

    try:
        import hnswlib
    except ImportError:
        hnswlib = None

    tag = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
    t = time.perf_counter()
    r0 = rss_mib()
    db = synth(n)
    rep.fig("retrieval", f"{tag}: generate vectors", time.perf_counter() - t, "s", f"{n} x {DIM} float32, {rss_mib() - r0:.0f} MiB")
    q = queries(db, n_queries)
    t = time.perf_counter()
    truth = exact_topk(db, q)
    t_batch = time.perf_counter() - t

    if skip_exact:
        _numpy_single(db, q, truth, tag, rep)
    else:
        _exact(db, q, truth, t_batch, tag, rep)
    if hnswlib is None:
        rep.fig("retrieval", f"{tag}: hnswlib", "not installed", "", "pip install -e '.[ann]' (make bench does)")
    else:
        _hnsw(hnswlib, db, q, truth, tag, rep, ef_list)
    if not skip_exact:
        _load_back(db, tag, rep)
    del db
    gc.collect()


def _numpy_single(db: np.ndarray, q: np.ndarray, truth: np.ndarray, tag: str, rep: Reporter) -> None:
    """One claim at a time, with one BLAS thread and with the default (all cores): on a busy
    2-core machine a threaded matrix-vector product waits for the other core (~8 ms floor)."""
    from threadpoolctl import threadpool_limits

    n_np = min(len(q), 500 if len(db) <= 100_000 else 60)
    for label, limit in (("1 BLAS thread", 1), ("default BLAS threads", None)):
        lat, cpu, found = [], [], []
        with threadpool_limits(limits=limit, user_api="blas"):
            for v in q[:n_np]:
                t, c = time.perf_counter(), time.process_time()
                sims = db @ v
                part = np.argpartition(-sims, 10)[:10]
                found.append(part[np.argsort(-sims[part])])
                lat.append(time.perf_counter() - t)
                cpu.append(time.process_time() - c)
        rep.fig("retrieval", f"{tag}: numpy exact p50, {label}", pct(lat, 50), "ms",
                f"CPU p50 {pct(cpu, 50):.2f} ms, p95 {pct(lat, 95):.2f} ms, recall@10 {recall(found, truth[:n_np]):.3f}, "
                f"{n_np} claims one at a time, memory = the matrix {db.nbytes / 2**20:.0f} MiB")


def _exact(db: np.ndarray, q: np.ndarray, truth: np.ndarray, t_batch: float, tag: str, rep: Reporter) -> None:
    import duckdb

    n, n_queries = len(db), len(q)
    # numpy exact, one claim at a time
    _numpy_single(db, q, truth, tag, rep)
    rep.fig("retrieval", f"{tag}: numpy exact, blocks of 256 claims", 1000 * t_batch / len(q), "ms/claim",
            f"{len(q)} claims (the ground truth): a 256 x n score block, then argpartition")

    # DuckDB exact
    gc.collect()
    r0 = rss_mib()
    t = time.perf_counter()
    con = duckdb.connect()
    duckdb_table(con, db)
    t_load = time.perf_counter() - t
    rep.fig("retrieval", f"{tag}: duckdb load FLOAT[{DIM}] table", t_load, "s", f"from numpy columns; RSS +{rss_mib() - r0:.0f} MiB")
    n_dd = min(n_queries, 200 if n <= 10_000 else (50 if n <= 100_000 else 12))
    sql = f"SELECT id FROM v ORDER BY array_cosine_similarity(vec, ?::FLOAT[{DIM}]) DESC LIMIT 10"
    lat, cpu, found = [], [], []
    for v in q[:n_dd]:
        t, c = time.perf_counter(), time.process_time()
        ids = [r[0] for r in con.execute(sql, [_vec_text(v)]).fetchall()]
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
        found.append(np.array(ids))
    rep.fig("retrieval", f"{tag}: duckdb array_cosine_similarity p50", pct(lat, 50), "ms",
            f"CPU p50 {pct(cpu, 50):.1f} ms (all threads), p95 {pct(lat, 95):.1f} ms, recall@10 {recall(found, truth[:n_dd]):.3f}, {n_dd} claims, "
            f"{con.execute('SELECT current_setting(' + repr('threads') + ')').fetchone()[0]} threads")
    if n == 10_000:
        lat = []
        for v in q[:10]:
            t = time.perf_counter()
            con.execute(sql, [v.tolist()]).fetchall()
            lat.append(time.perf_counter() - t)
        rep.fig("retrieval", f"{tag}: duckdb, query vector as float list", pct(lat, 50), "ms",
                "p50; the same query with the vector as a Python list parameter (per-float conversion cost)")
    con.close()
    del con
    gc.collect()


def _hnsw(hnswlib: Any, db: np.ndarray, q: np.ndarray, truth: np.ndarray, tag: str, rep: Reporter, ef_list: list[int]) -> None:
    n = len(db)
    r0 = rss_mib()
    t = time.perf_counter()
    index = hnswlib.Index(space="ip", dim=DIM)
    index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=7)
    index.set_num_threads(os.cpu_count() or 1)
    index.add_items(db, np.arange(n))
    t_build = time.perf_counter() - t
    rep.fig("retrieval", f"{tag}: hnswlib build", t_build, "s", f"M=16, ef_construction=100, {os.cpu_count()} threads; "
            f"RSS +{rss_mib() - r0:.0f} MiB")
    index.set_num_threads(1)
    best = None
    for ef in ef_list:
        index.set_ef(ef)
        lat, cpu, found = [], [], []
        for v in q:
            t, c = time.perf_counter(), time.process_time()
            labels, _ = index.knn_query(v, k=10)
            lat.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            found.append(labels[0])
        rc = recall(found, truth)
        rep.fig("retrieval", f"{tag}: hnswlib ef={ef} p50", pct(lat, 50), "ms", f"CPU p50 {pct(cpu, 50):.3f} ms, p95 {pct(lat, 95):.3f} ms, recall@10 {rc:.3f}, "
                f"{len(q)} claims")
        if best is None and rc >= 0.95:
            best = (ef, pct(lat, 50), pct(lat, 95), rc)
    if best:
        rep.fig("retrieval", f"{tag}: hnswlib at recall@10 >= 0.95: p50", best[1], "ms",
                f"ef={best[0]}, p95 {best[2]:.3f} ms, recall@10 {best[3]:.3f}; goal at 1M: p50 <= 5 ms")
    else:
        rep.fig("retrieval", f"{tag}: hnswlib recall@10 >= 0.95", "not reached", "", f"ef up to {ef_list[-1]}")
    del index
    gc.collect()


def _load_back(db: np.ndarray, tag: str, rep: Reporter) -> None:
    """Loading statement vectors back from the store's embeddings table (FLOAT[] lists)."""
    import duckdb

    n = len(db)
    if n <= 100_000:
        con = duckdb.connect()
        con.execute("CREATE TABLE embeddings (text_hash VARCHAR, model VARCHAR, dim INTEGER, vector FLOAT[])")
        expr = "[" + ",".join(f"c{j}" for j in range(DIM)) + "]::FLOAT[]"
        for s in range(0, n, 50_000):
            chunk = db[s:s + 50_000]
            cols = {f"c{j}": np.ascontiguousarray(chunk[:, j]) for j in range(DIM)}
            cols["h"] = np.array([f"{i:032x}" for i in range(s, s + len(chunk))], dtype=object)
            con.register("cols", cols)
            con.execute(f"INSERT INTO embeddings SELECT h, 'm', {DIM}, {expr} FROM cols")
            con.unregister("cols")
        t = time.perf_counter()
        rows = con.execute("SELECT text_hash, vector FROM embeddings WHERE model = 'm'").fetchall()
        a = np.asarray([r[1] for r in rows], dtype=np.float32)
        t_a = time.perf_counter() - t
        t = time.perf_counter()
        res = con.execute(f"SELECT text_hash, vector::FLOAT[{DIM}] AS v FROM embeddings WHERE model = 'm'").fetchnumpy()
        b = np.stack(res["v"]).astype(np.float32)
        t_b = time.perf_counter() - t
        rep.fig("retrieval", f"{tag}: load vectors from DuckDB, fetchall", t_a, "s", "as store.writes.cached_vectors")
        rep.fig("retrieval", f"{tag}: load vectors from DuckDB, fetchnumpy", t_b, "s",
                f"{t_a / t_b:.1f}x faster, identical: {np.array_equal(a, b)}")
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.retrieval_scale", description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="10k vectors only, 100 claims")
    ap.add_argument("--sizes", help="comma-separated statement counts (default 10000,100000,1000000)")
    ap.add_argument("--queries", type=int, help="claims per size (default 500; quick 100)")
    ap.add_argument("--ef", help="hnswlib ef_search values to sweep (default 10,...,1280; quick 20,40,80)")
    ap.add_argument("--skip-exact", action="store_true", help="numpy and hnswlib only (no DuckDB)")
    ap.add_argument("--json", metavar="FILE")
    ap.add_argument("--no-header", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",")] if a.sizes else ([10_000] if a.quick else [10_000, 100_000, 1_000_000])
    ef = [int(x) for x in a.ef.split(",")] if a.ef else ([20, 40, 80] if a.quick else [10, 20, 40, 80, 160, 320, 640, 1280])

    def body(rep: Reporter) -> None:
        for n in sizes:
            bench_size(n, rep, quick=a.quick, n_queries=a.queries or (100 if a.quick else 500), ef_list=ef,
                       skip_exact=a.skip_exact)

    return run_reported("retrieval", body, json_path=a.json, header=not a.no_header)


if __name__ == "__main__":
    raise SystemExit(main())
