"""A saved or fetched web page -> its article text and the metadata a newsroom files it under.

A news page is mostly not the article: menus, cookie banners, "most read" lists, related
links, newsletter boxes, captions and footers. Every sentence of that which reaches claim
extraction is a claim nobody wrote, so the main text is taken with trafilatura (the
field's standard for boilerplate removal), and the title, author, site name and
publication date from the page's metadata (JSON-LD, Open Graph and `<meta>` tags, with
htmldate for the date). The publication date is what resolves "last year" in the
article (`claims/relative_time.py`).

trafilatura is only ever given the HTML string: it never fetches anything (no
`fetch_url`). When it finds no main text (a tiny page, a fragment) the older
BeautifulSoup reading by tag name is the fallback; when neither finds prose, the page
has no article text (all navigation) and the reader says so in one line.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date

# trafilatura and htmldate log every page they cannot date or parse at WARNING/ERROR;
# the reader reports what matters itself, in one line.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class NewsPage:
    """A page's article text (paragraphs separated by blank lines) and its metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    site: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    extractor: str = "trafilatura"  # or "beautifulsoup" (the fallback), "" when no text was found


def read_page(html: str, url: str | None = None) -> NewsPage:
    """The article text and metadata of one page; text "" when it has no article text."""
    meta = page_metadata(html, url)
    text = main_text(html, url)
    extractor = "trafilatura"
    if not has_prose(text, html):
        text, extractor = soup_text(html), "beautifulsoup"
    if not has_prose(text, html):
        text, extractor = "", ""
    return NewsPage(text=text, title=meta.get("title"), author=meta.get("author"), site=meta.get("site"),
                    published=meta.get("published"), extractor=extractor)


def has_prose(text: str, html: str = "", min_words: int = 5) -> bool:
    """Some paragraph of at least `min_words` words that are not link text: "Home",
    "About us | Contact us | Privacy policy" are a menu, not an article."""
    links = sorted({" ".join(t.split()) for t in _LINK_TEXT.findall(html) if t.strip()}, key=len, reverse=True)
    for block in text.split("\n\n"):
        for link in links:
            block = block.replace(link, " ")
        if len(re.findall(r"[^\W\d_]{2,}", block)) >= min_words:
            return True
    return False


_LINK_TEXT = re.compile(r"<a\b[^>]*>([^<]*)</a>", re.I)


def main_text(html: str, url: str | None = None) -> str:
    """trafilatura's main text, one block per paragraph; "" when it finds none.

    Precision is favoured: a missed sentence costs one claim, a kept "Read more: 30% of
    parents worry" link costs a false claim an editor has to dismiss.
    """
    import trafilatura

    try:
        text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False,
                                   include_images=False, favor_precision=True, deduplicate=False,
                                   output_format="txt")
    except (ValueError, TypeError, RecursionError, MemoryError):
        return ""
    if not text:
        return ""
    blocks = [" ".join(line.split()) for line in text.split("\n")]
    # A list item trafilatura keeps comes out as "- item": the bullet is not prose.
    blocks = [re.sub(r"^[-*•]\s+", "", b) for b in blocks]
    return "\n\n".join(b for b in blocks if b)


def page_metadata(html: str, url: str | None = None) -> dict[str, str]:
    """title, author, site and published (ISO date) of a page, whichever it states.

    trafilatura reads the usual places (Open Graph, `<meta name=author>`, JSON-LD); its
    misses (an author only in JSON-LD's `author.name`, say) are filled from the JSON-LD
    and meta tags read here. The date is htmldate's original publication date from
    markup only (no guessing from the running text, which quotes other dates).
    """
    import trafilatura

    found: dict[str, str] = {}
    try:
        doc = trafilatura.extract_metadata(html, default_url=url)
    except (ValueError, TypeError, RecursionError, MemoryError):
        doc = None
    if doc is not None:
        for key, attr in (("title", "title"), ("author", "author"), ("site", "sitename"), ("published", "date")):
            value = getattr(doc, attr, None)
            if value:
                found[key] = str(value)
    for key, value in _declared(html).items():
        found.setdefault(key, value)
    published = publication_date(html, url)
    if published:
        found["published"] = published
    elif "published" in found:
        found["published"] = found["published"][:10]
    return {k: " ".join(v.split()) for k, v in found.items() if v and v.strip()}


def publication_date(html: str, url: str | None = None) -> str | None:
    """The page's original publication date (YYYY-MM-DD) from its markup, or None."""
    from htmldate import find_date
    from trafilatura.utils import load_html

    # A tree, never the string: htmldate downloads a string that looks like a URL.
    tree = load_html(html)
    if tree is None:
        return None
    try:
        return find_date(tree, url=url, original_date=True, extensive_search=False,
                         outputformat="%Y-%m-%d", max_date=f"{date.today().year + 1}-12-31")
    except (ValueError, TypeError, RecursionError, MemoryError):
        return None


_JSON_LD = re.compile(r"<script[^>]+application/ld\+json[^>]*>(.*?)</script>", re.S | re.I)
_META_TAG = re.compile(r"<meta\s[^>]*>", re.I)
_ATTR = re.compile(r"""(\w[\w:-]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""")


def _declared(html: str) -> dict[str, str]:
    """Metadata from JSON-LD (NewsArticle and kin) and `<meta>` tags, first found wins."""
    out: dict[str, str] = {}
    for block in _JSON_LD.findall(html[:500_000]):
        try:
            data = json.loads(block)
        except ValueError:
            continue
        for item in _ld_items(data):
            _take(out, "title", item.get("headline"))
            _take(out, "author", _names(item.get("author")))
            _take(out, "site", _names(item.get("publisher")))
            _take(out, "published", item.get("datePublished"))
    for tag in _META_TAG.findall(html[:500_000]):
        attrs = {k.lower(): v.strip("\"'") for k, v in _ATTR.findall(tag)}
        key, content = (attrs.get("property") or attrs.get("name") or "").lower(), attrs.get("content", "")
        target = {"og:title": "title", "author": "author", "article:author": "author", "og:site_name": "site",
                  "article:published_time": "published"}.get(key)
        if target and not content.startswith("http"):
            _take(out, target, content)
    return out


def _ld_items(data: object) -> list[dict]:
    """The JSON-LD objects of a block: a list, an object, or an @graph."""
    items = data if isinstance(data, list) else [data]
    out: list[dict] = []
    for item in items:
        if isinstance(item, dict):
            out.append(item)
            graph = item.get("@graph")
            if isinstance(graph, list):
                out.extend(g for g in graph if isinstance(g, dict))
    return out


def _names(value: object) -> str | None:
    """'Jane Roe', {'name': 'Jane Roe'} or a list of them -> 'Jane Roe, John Doe'."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        name = value.get("name")
        return name if isinstance(name, str) else None
    if isinstance(value, list):
        names = [n for n in (_names(v) for v in value) if n]
        return ", ".join(names) or None
    return None


def _take(out: dict[str, str], key: str, value: object) -> None:
    if key not in out and isinstance(value, str) and value.strip():
        out[key] = value.strip()


# --- the fallback ------------------------------------------------------------------------

_DROPPED = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template"]


def soup_text(html: str, drop_menus: bool = True) -> str:
    """The page's text by tag name (BeautifulSoup): what claimdesk read before trafilatura.

    Kept for pages trafilatura finds no main text in (a fragment, a one-paragraph test
    page), and for source documents (every line kept). With `drop_menus`, blocks that are
    only link text (a menu written as a list of links) are left out.
    """
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(html, "html.parser")
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup(_DROPPED):
        tag.decompose()
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    root = soup.find("article") or soup.find("main") or soup.body or soup
    blocks = []
    for el in root.find_all(["h1", "h2", "h3", "h4", "p", "li", "td", "th", "blockquote", "figcaption"]):
        if el.find(["p", "li"]):
            continue
        t = " ".join(el.get_text(" ", strip=True).split())
        if t and not (drop_menus and _all_links(el, t)):
            blocks.append(t)
    if not blocks and not (drop_menus and root.find_all("a")):
        blocks = [" ".join(root.get_text(" ", strip=True).split())]
    blocks = [b for b in blocks if b]
    if title and (blocks or not drop_menus) and (not blocks or blocks[0] != title) and root.find("h1") is None:
        blocks.insert(0, title)
    return "\n\n".join(blocks)


def _all_links(el: object, text: str) -> bool:
    """A block whose text is all inside links: a menu entry, not prose."""
    linked = " ".join(a.get_text(" ", strip=True) for a in el.find_all("a"))  # type: ignore[attr-defined]
    return bool(linked) and len(" ".join(linked.split())) >= 0.9 * len(text)
