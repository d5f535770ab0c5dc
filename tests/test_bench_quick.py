"""Smoke test of the speed benchmarks (`python -m benchmarks --quick` runs them in full):
the corpus generator, the retrieval benchmark on 2k vectors and the pipeline benchmark
on 5 articles through the service run inline (no Prefect, no child processes). Checks that
every figure is printed and sane, not how fast this machine is."""

from __future__ import annotations

import importlib.util
import json
import re

from benchmarks import corpus, pipeline_speed, retrieval_scale


def _figures(path) -> dict[str, dict[str, object]]:
    return {f"{f['group']}/{f['name']}": f for f in json.loads(path.read_text())["figures"]}


def test_corpus_is_deterministic_news_with_statistics(tmp_path):
    a = corpus.generate(tmp_path / "a", 6, seed=3, n_sources=4)
    b = corpus.generate(tmp_path / "b", 6, seed=3, n_sources=4)
    assert len(a.articles) == 6 and len(a.sources) == 4
    assert [p.read_text() for p in a.articles] == [p.read_text() for p in b.articles]
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["cited_figures"] == sum(manifest["relations"].values()) == a.n_cited > 6 * 3
    text = a.articles[0].read_text()
    assert len(text.split()) > 150 and "\n\n" in text and re.search(r"\d", text)
    src = a.sources[0].read_text()
    assert "Publisher:" in src and "Period:" in src and re.search(r"\d+(\.\d+)?(%| percent)", src + text)


def test_retrieval_benchmark_small(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert retrieval_scale.main(["--quick", "--sizes", "2000", "--queries", "40", "--no-header", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    figs = _figures(out)
    exact = figs["retrieval/2k: numpy exact p50, 1 BLAS thread"]
    assert "2k: numpy exact p50" in printed and "recall@10 1.000" in exact["note"] and float(exact["value"]) > 0
    assert float(figs["retrieval/2k: duckdb array_cosine_similarity p50"]["value"]) > 0
    assert "recall@10 1.000" in figs["retrieval/2k: duckdb array_cosine_similarity p50"]["note"]
    assert "identical: True" in figs["retrieval/2k: load vectors from DuckDB, fetchnumpy"]["note"]
    if importlib.util.find_spec("hnswlib"):
        best = figs["retrieval/2k: hnswlib at recall@10 >= 0.95: p50"]
        assert 0 < float(best["value"]) < 50
    else:
        assert "retrieval/2k: hnswlib" in figs


def test_pipeline_benchmark_plain_functions(tmp_path, capsys):
    out = tmp_path / "p.json"
    assert pipeline_speed.main(["--articles", "5", "--sources", "3", "--no-cli", "--no-header",
                                "--workdir", str(tmp_path / "w"), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    figs = _figures(out)
    for key in ("plain/check: wall", "plain/check: claims/s", "floor/floor total", "ratio/plain pipeline / floor",
                "plain/re-run / first run", "plain/peak RSS of this process"):
        assert key in figs and key.split("/", 1)[1] in printed
    wall = float(figs["plain/check: wall"]["value"])
    assert wall > 0 and float(figs["plain/check: claims/s"]["value"]) > 0
    stages = {k.split("/", 1)[1]: float(f["value"]) for k, f in figs.items() if k.startswith("stages/")}
    assert set(stages) == {"read", "segment", "extract", "embed", "retrieve", "judge", "store"}
    assert all(v >= 0 for v in stages.values()) and sum(stages.values()) <= wall * 1.01
    assert stages["segment"] > 0 and stages["embed"] > 0 and stages["store"] > 0
    assert 0.5 < float(figs["ratio/plain pipeline / floor"]["value"]) < 100
    assert float(figs["plain/re-run / first run"]["value"]) < 0.5  # unchanged inputs are skipped
