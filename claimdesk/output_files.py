"""Files the CLI writes for people (exports, reports): never clobbered by surprise, never half-written.

An editor who exports ClaimReview for the website and later runs the same command by
habit should not lose the file they were about to publish; and a crash mid-write must
not leave a truncated file where a good one was.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from claimdesk.errors import ClaimdeskError


def output_target(out: str, *, force: bool) -> Path:
    """The resolved path to write, or a one-line error naming it and the problem."""
    target = Path(out).resolve()
    if not target.parent.is_dir():
        raise ClaimdeskError("output folder does not exist", path=str(target))
    if target.is_dir():
        raise ClaimdeskError("is a folder, not an output file", path=str(target))
    if target.exists() and not force:
        raise ClaimdeskError("already exists; pass --force to replace it", path=str(target))
    return target


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target` (same suffix); it replaces `target` only on success."""
    tmp = target.with_name(f".{target.stem}.partial{target.suffix}")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomically(target: Path, text: str) -> None:
    with replacing(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_with(target: Path, writer: Callable[[str], int]) -> int:
    """Run `writer(path)` (e.g. a DuckDB COPY) on a temporary path, then move it into place."""
    with replacing(target) as tmp:
        return writer(str(tmp))
