"""The encoder's linear layers on real tokens only: same vectors, bit for bit, ~30 % less work.

sentence-transformers pads every batch of 64 texts to its longest text, and a BERT layer's
six linear layers (query, key, value, attention output, intermediate, output) then multiply
the padding rows too: on the ClaimBuster test file 192k token rows for 119k real tokens.
Those layers are ~85 % of the encoder's time (torch profiler, issue #16). Here each of
them multiplies only the rows the attention mask marks as real and leaves zeros in the
padding rows.

Why the vectors do not change at all: (1) a row of a matrix product does not depend on
the other rows: MKL's SGEMM gave the same bits for any slice of the rows (checked on the
three shapes of this model, 1 and 2 threads); (2) padding rows only ever reach real rows
through attention, where their scores are masked (exp(mask) is exactly 0 whatever the
row holds, as long as it is finite; zeros are), and through mean pooling, where they are
multiplied by a mask of 0. Everything else (attention, GELU, layer norms, pooling) still
runs on the padded batch, exactly as before, so a text's vector still depends on its
batch only as it did (`tests/test_packed_linear.py` compares with an untouched model).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

# The rows of the batch being encoded, per thread (the review desk may encode from several).
_batch = threading.local()


def pack_linear_layers(model: SentenceTransformer) -> bool:
    """Make the BERT encoder of `model` skip padding rows in its linear layers.

    Returns False (and changes nothing) for a model that is not a BERT-style
    transformer, so any other model keeps working as it did."""
    first = model[0] if len(model) else None
    bert = getattr(first, "auto_model", None)
    layers = getattr(getattr(bert, "encoder", None), "layer", None)
    if first is None or layers is None or getattr(first, "_claimdesk_packed", False):
        return False
    try:
        linears = [lin for layer in layers for lin in (layer.attention.self.query, layer.attention.self.key,
                                                      layer.attention.self.value, layer.attention.output.dense,
                                                      layer.intermediate.dense, layer.output.dense)]
    except AttributeError:
        return False
    first.register_forward_pre_hook(_note_padding, with_kwargs=True)
    first.register_forward_hook(_forget_padding, with_kwargs=True)
    for lin in linears:
        lin.forward = _packed_forward(lin)
    first._claimdesk_packed = True
    return True


def _note_padding(module: Any, args: tuple, kwargs: dict) -> None:
    """Before a batch: the flat indices of its real tokens (None when nothing is padded).

    The hook sits on sentence-transformers' Transformer module, which calls the BERT
    model's `forward` directly (so hooks on the BERT model itself would not run)."""
    import torch

    features = args[0] if args else kwargs.get("features", {})
    mask = features.get("attention_mask") if isinstance(features, dict) else None
    _batch.rows, _batch.shape, _batch.gathered = None, None, None
    if isinstance(mask, torch.Tensor) and mask.dim() == 2 and not bool(mask.all()):
        _batch.rows = mask.reshape(-1).nonzero().squeeze(1)
        _batch.shape = tuple(mask.shape)


def _forget_padding(module: Any, args: tuple, kwargs: dict, output: Any) -> None:
    _batch.rows, _batch.shape, _batch.gathered = None, None, None


def _packed_forward(lin: torch.nn.Linear):
    import torch.nn.functional as F

    def forward(x: torch.Tensor) -> torch.Tensor:
        rows = getattr(_batch, "rows", None)
        if rows is None or x.dim() != 3 or tuple(x.shape[:2]) != _batch.shape:
            return F.linear(x, lin.weight, lin.bias)
        b, n, k = x.shape
        # Query, key and value read the same hidden states: gather their real rows once.
        cached = getattr(_batch, "gathered", None)
        if cached is not None and cached[0] is x:
            real_in = cached[1]
        else:
            real_in = x.reshape(b * n, k).index_select(0, rows)
            _batch.gathered = (x, real_in)
        real = F.linear(real_in, lin.weight, lin.bias)
        out = x.new_zeros(b * n, lin.out_features)
        out.index_copy_(0, rows, real)
        return out.view(b, n, lin.out_features)

    return forward
