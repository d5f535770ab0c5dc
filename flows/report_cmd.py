"""`claimdesk report ARTICLE_ID --out report.html`: read the article's data, write the page
`review.report` draws (next to the review desk whose look it shares)."""

from __future__ import annotations

from claimdesk.errors import ClaimdeskError
from claimdesk.output_files import output_target, write_text_atomically
from claimdesk.settings import Settings
from flows.sql_cmd import reading
from review.report import render
from store import reads


def run_report(settings: Settings, article_id: str, out: str, force: bool = False) -> int:
    db = settings.resolve(settings.database)
    target = output_target(out, force=force)
    with reading(db) as con:
        data = reads.article_report(con, article_id)
    if data is None:
        raise ClaimdeskError(f"no article with id {article_id!r} (list them: claimdesk sql \"SELECT article_id, title FROM articles\")")
    write_text_atomically(target, render(data, str(db)))
    print(f"wrote the report of {len(data['claims'])} claims to {target}")
    return 0
