"""The sentence encoder in a process of its own, for `claimdesk extract`.

Why a process and not a thread (issue #16): importing torch and sentence-transformers and
loading the model is ~13 CPU-seconds of Python, and spaCy's import and load ~7; in one
process the two imports take turns on the GIL, so a 1-line `extract` spent ~17 s before
its first sentence on a 2-core machine while one core idled. In a second process they run
side by side, and the encoder (the bulk of `extract --lines`) never waits for the main
process's Python (spaCy, the rules, scoring, JSON) or the other way round.

The worker runs the same `Embedder.encode` calls, in the order they are sent, so its
vectors are those the main process would compute. It uses one torch thread. It can take
`threads_when_idle` threads while the main process only waits (`main_idle`, checked before
every batch; the thread count does not change the vectors, tested), but on this shared
2-core machine two threads were slower: the full ClaimBuster test file took 4 min 52 s and
278 CPU-s with two, 3 min 22 s and 205 CPU-s with one (benchmarks/RESULTS.md), as the
second OpenMP thread spins at every operator while the other cores' work preempts it.
"""

from __future__ import annotations

import multiprocessing
import queue
import traceback
from typing import Any

import numpy as np

from claimdesk.errors import ClaimdeskError

# How long the main process waits for the worker to stop on its own before ending it.
_STOP_SECONDS = 5.0


def _serve(spec: str, batch_size: int, requests: Any, results: Any, main_idle: Any, threads_when_idle: int) -> None:
    """The worker's loop: (texts) in, (vectors) or ("error", message) out; None stops it."""
    try:
        import torch

        from sources.embed import Embedder, load_model

        torch.set_num_threads(1)
        model = load_model(spec)
        embedder = Embedder(spec, batch_size)

        def more_threads_when_idle(module: Any, args: tuple) -> None:
            # Checked before every batch of `batch_size` texts, not only between chunks.
            wanted = threads_when_idle if main_idle.is_set() else 1
            if torch.get_num_threads() != wanted:
                torch.set_num_threads(wanted)

        model[0].register_forward_pre_hook(more_threads_when_idle)
        while True:
            texts = requests.get()
            if texts is None:
                return
            results.put(("ok", embedder.encode(texts)))
    except BaseException as exc:  # noqa: BLE001 - reported to the main process, which raises it
        if isinstance(exc, KeyboardInterrupt):
            return
        results.put(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}"))


class EncoderProcess:
    """Vectors computed in a child process; `submit` in order, `result` in the same order."""

    def __init__(self, spec: str, batch_size: int, threads_when_idle: int = 1) -> None:
        # spawn, not fork: the caller may already have torch's thread pool running (tests),
        # and a forked OpenMP pool can hang.
        ctx = multiprocessing.get_context("spawn")
        self._requests = ctx.Queue()
        self._results = ctx.Queue()
        self._main_idle = ctx.Event()
        self._pending = 0
        self._idle_for_good = False
        self._process = ctx.Process(target=_serve, name="claimdesk-encoder", daemon=True,
                                    args=(spec, batch_size, self._requests, self._results, self._main_idle,
                                          threads_when_idle))
        self._process.start()

    def submit(self, texts: list[str]) -> None:
        self._requests.put(list(texts))
        self._pending += 1

    def ready(self) -> bool:
        """Whether the oldest submitted encode has finished (so `result` will not wait)."""
        return self._pending > 0 and not self._results.empty()

    def result(self) -> np.ndarray:
        """The vectors of the oldest submitted texts; waits for them (meanwhile the worker
        may use `threads_when_idle` threads)."""
        waiting = not self._idle_for_good and self._results.empty()
        if waiting:
            self._main_idle.set()
        try:
            return self._next_result()
        finally:
            if waiting:
                self._main_idle.clear()

    def _next_result(self) -> np.ndarray:
        while True:
            try:
                status, value = self._results.get(timeout=1.0)
                break
            except queue.Empty:
                if not self._process.is_alive():
                    raise ClaimdeskError(f"the encoder process ended unexpectedly (exit code {self._process.exitcode}; "
                                         "out of memory?)") from None
        self._pending -= 1
        if status == "error":
            raise ClaimdeskError(f"the encoder process failed: {str(value).strip().splitlines()[-1][:300]}")
        return value

    @property
    def pending(self) -> int:
        """Encodes submitted and not yet collected."""
        return self._pending

    def main_is_busy(self) -> None:
        """The main process has model work again (a new run): one torch thread."""
        self._idle_for_good = False
        self._main_idle.clear()

    def main_is_idle(self) -> None:
        """Tell the worker the main process only waits from now on (`threads_when_idle`)."""
        self._idle_for_good = True
        self._main_idle.set()

    def close(self) -> None:
        """Stop the worker: at once if encodes are still queued (an error or Ctrl-C), else
        after it reads the stop message."""
        if self._pending == 0 and self._process.is_alive():
            self._requests.put(None)
            self._process.join(_STOP_SECONDS)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(_STOP_SECONDS)
        self._requests.cancel_join_thread()
        self._requests.close()
        self._results.close()
