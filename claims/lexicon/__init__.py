"""Language knowledge as data: word lists and tables that the extractor and the judge read.

Organised like spaCy's `lang/en/` and its lookup tables: the words live in plain files
beside this module (`*.txt`, one entry per line; `*.tsv`, tab-separated with a header
row), so adding a word is one data line, reviewed like data, and tested by a data-driven
test that reads the same file. Lines starting with `#` and blank lines are comments.
Regular expressions are built from the lists (`alternation`), never written by hand
beside them, so a list and its pattern cannot drift apart.

Files are read once per process (`functools.cache`); the returned objects are
immutable so no caller can change another caller's view of the language.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

LEXICON_DIR = Path(__file__).resolve().parent


def _lines(name: str) -> list[str]:
    path = LEXICON_DIR / name
    return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@cache
def load_words(name: str) -> frozenset[str]:
    """The entries of `name.txt` (one per line, stripped), as a set."""
    return frozenset(line.strip() for line in _lines(f"{name}.txt"))


@cache
def load_list(name: str) -> tuple[str, ...]:
    """The entries of `name.txt` in file order (for lists where order matters, e.g. longest match first)."""
    return tuple(line.strip() for line in _lines(f"{name}.txt"))


@cache
def load_table(name: str) -> tuple[dict[str, str], ...]:
    """The rows of `name.tsv` as dicts keyed by its header row."""
    lines = _lines(f"{name}.tsv")
    if not lines:
        return ()
    header = [h.strip() for h in lines[0].split("\t")]
    rows = []
    for n, line in enumerate(lines[1:], start=2):
        cells = [c.strip() for c in line.split("\t")]
        if len(cells) != len(header):
            raise ValueError(f"claims/lexicon/{name}.tsv line {n}: {len(cells)} cells, header has {len(header)}")
        rows.append(dict(zip(header, cells, strict=True)))
    return tuple(rows)


def alternation(words: frozenset[str] | tuple[str, ...], *, escape: bool = True, ordered: bool = False,
                any_space: bool = False) -> str:
    """A non-capturing regex alternation of the words, longest first (so 'edged up' wins over 'up').

    With `escape=False` the entries are regex fragments themselves (e.g. 'increase[sd]?').
    `ordered=True` keeps the given order (the file's) instead of longest first;
    `any_space=True` lets a space in a phrase match any run of whitespace ('more  than').
    """
    items = list(words) if ordered else sorted(words, key=lambda w: (-len(w), w))
    parts = [re.escape(w) if escape else w for w in items]
    if any_space:
        parts = [re.sub(r"(?:\\ )+", r"\\s+", p) if escape else re.sub(r" +", r"\\s+", p) for p in parts]
    return "(?:" + "|".join(parts) + ")"
