"""How much page boilerplate reaches claim extraction: the old tag-name reading against trafilatura.

    python -m benchmarks.boilerplate tests/fixtures/news_pages

Each `.html` page in the folder marks its article body: every element carrying a
`data-gold` attribute is body text, and so is the `<h1>` headline. Everything else a
reader passes on (menus, cookie banners, captions, "read more" links, related lists,
newsletter boxes, comments, footers) is boilerplate. For each reader the page's text is
split into sentences (a plain splitter on . ! ? and paragraph breaks, the same for both
readers) and each sentence is labelled body when it occurs in the page's gold text, else
boilerplate. Printed per page and in total: sentences passed on, boilerplate sentences,
their share, boilerplate sentences holding a figure (the ones that become false claims),
and body recall (gold sentences kept). A page with no gold text (all navigation) counts
what leaked from it. "before" is `soup_text(drop_menus=False)`, what claimdesk read up
to issue #17; "after" is `sources.html_page.read_page`, what `check` reads now.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from sources.html_page import read_page, soup_text


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%£$€.]+", " ", text.lower()).split())


def sentences(text: str) -> list[str]:
    """Sentences by a plain rule: paragraph breaks, then . ! ? followed by a space and a capital."""
    out = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        out += [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"'(])", para) if s.strip()]
    return out


def gold_text(html: str) -> str:
    """The page's marked article body and its headline, normalised."""
    soup = BeautifulSoup(html, "html.parser")
    parts = [el.get_text(" ", strip=True) for el in soup.find_all(attrs={"data-gold": True})]
    parts += [h.get_text(" ", strip=True) for h in soup.find_all("h1")]
    return " \n ".join(_norm(p) for p in parts)


@dataclass
class Count:
    sentences: int = 0
    boilerplate: int = 0
    boilerplate_figures: int = 0
    body_kept: int = 0
    body_total: int = 0

    def add(self, other: Count) -> None:
        for k in self.__dataclass_fields__:
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def line(self) -> str:
        share = self.boilerplate / self.sentences if self.sentences else 0.0
        recall = self.body_kept / self.body_total if self.body_total else float("nan")
        return (f"{self.sentences:4d} sentences, {self.boilerplate:3d} boilerplate ({share:6.1%}),"
                f" {self.boilerplate_figures:3d} boilerplate with a figure, body recall {recall:6.1%}")


def count(text: str, gold: str, gold_sentences: list[str]) -> Count:
    c = Count()
    for s in sentences(text):
        c.sentences += 1
        if not _norm(s) or _norm(s) not in gold:
            c.boilerplate += 1
            c.boilerplate_figures += bool(re.search(r"\d", s))
    kept = _norm(text)
    c.body_total = len(gold_sentences)
    c.body_kept = sum(1 for g in gold_sentences if _norm(g) in kept)
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.boilerplate", description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", help="a folder of saved .html pages whose body text carries data-gold")
    args = ap.parse_args(argv)
    pages = sorted(Path(args.folder).glob("*.html"))
    if not pages:
        print(f"{args.folder}: no .html pages", file=sys.stderr)
        return 2
    totals = {"before": Count(), "after": Count()}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        gold = gold_text(html)
        soup = BeautifulSoup(html, "html.parser")
        gold_sents = [s for el in soup.find_all(attrs={"data-gold": True}) for s in sentences(el.get_text(" ", strip=True))]
        for name, text in (("before", soup_text(html, drop_menus=False)), ("after", read_page(html).text)):
            c = count(text, gold, gold_sents)
            totals[name].add(c)
            print(f"{page.name:28s} {name:6s} {c.line()}")
    print(f"{'ALL ' + str(len(pages)) + ' pages':28s} before {totals['before'].line()}")
    print(f"{'ALL ' + str(len(pages)) + ' pages':28s} after  {totals['after'].line()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
