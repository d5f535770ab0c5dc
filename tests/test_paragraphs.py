"""A single line break ends a paragraph in text copied from web pages (claims/sentences.py)."""

from __future__ import annotations

from claims.extract import extract_claims
from claims.sentences import split_paragraphs

LONG = "The port handled 4.2 million containers last year, its busiest year since the terminal opened in 1998, the authority said."


def test_each_line_of_a_page_copied_line_by_line_is_a_paragraph():
    text = f"Port traffic grows\n{LONG}\nA spokesman called it “a good year”\nShips waited 2.1 days on average."
    paras = split_paragraphs(text)
    assert [p for _, p in paras] == text.split("\n")
    assert all(text[a:a + len(p)] == p for a, p in paras)


def test_hard_wrapped_text_runs_on_across_lines_but_list_items_stand_apart():
    text = "The port handled 4.2 million containers\nlast year, the authority said.\n- 2.1 days average wait\n- 310 ships"
    assert [p for _, p in split_paragraphs(text)] == [
        "The port handled 4.2 million containers\nlast year, the authority said.", "- 2.1 days average wait", "- 310 ships"]


def test_a_claim_does_not_run_into_the_next_line(nlp):
    text = f"{LONG}\nThe average wait was 2.1 days, down from 3.4 days”\nShips paid 9% more in fees"
    claims = extract_claims(text, nlp)
    assert not any("\n" in c.text for c in claims)
    assert any(c.text.startswith("Ships paid 9%") for c in claims)
