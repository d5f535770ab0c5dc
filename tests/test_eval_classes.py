"""Per-class scoring of a gold file (issue #15): each gold claim's classes get their own
gold / found / exact / caught counts, and a gold file without classes prints no table."""

from __future__ import annotations

import json

import pytest

from claims.evaluation import GoldClaim, SystemClaim, class_table, load_gold, score

TEXT = ("Nearly half of teens (46%) say they are online almost constantly, up from 24% in 2015. "
        "Youth vaping rose 38% last year. Usage saw a slight uptick.")


def _span(quote: str) -> tuple[int, int]:
    s = TEXT.index(quote)
    return s, s + len(quote)


def _claim(cid: str, quote: str, verdict: str) -> SystemClaim:
    s, e = _span(quote)
    return SystemClaim("a.txt", cid, quote, s, e, verdict)


GOLD = [
    GoldClaim("a.txt", "Nearly half of teens (46%) say they are online almost constantly", "supported"),
    GoldClaim("a.txt", "up from 24% in 2015", "contradicted", classes=("baseline",)),
    GoldClaim("a.txt", "Youth vaping rose 38% last year", "misrepresented", classes=("points_vs_percent", "scope")),
    GoldClaim("a.txt", "Usage saw a slight uptick", "contradicted", classes=("direction_only",)),
]


def test_each_class_counts_found_exact_and_caught() -> None:
    claims = [
        _claim("c1", "Nearly half of teens (46%) say they are online almost constantly", "supported"),
        _claim("c2", "up from 24% in 2015", "contradicted"),
        _claim("c3", "Youth vaping rose 38% last year", "unverifiable"),  # caught, not exact
    ]
    rep = score(GOLD, {"a.txt": TEXT}, claims)
    assert rep.by_class["baseline"].figures() == {"gold": 1, "found": 1, "exact": 1, "problems": 1, "caught": 1}
    assert rep.by_class["scope"].figures() == {"gold": 1, "found": 1, "exact": 0, "problems": 1, "caught": 1}
    assert rep.by_class["points_vs_percent"].figures() == rep.by_class["scope"].figures()
    # Nothing extracted for the direction-only claim: not found, not caught.
    assert rep.by_class["direction_only"].figures() == {"gold": 1, "found": 0, "exact": 0, "problems": 1, "caught": 0}
    lines = class_table(rep)
    assert lines[0].split() == ["class", "gold", "found", "exact", "caught"]
    assert [ln.split()[0] for ln in lines[1:]] == ["baseline", "points_vs_percent", "scope", "direction_only"]
    assert lines[-1].split() == ["direction_only", "1", "0", "0", "0/1"]


def test_a_supported_claim_flagged_is_not_caught() -> None:
    gold = [GoldClaim("a.txt", "up from 24% in 2015", "supported", classes=("baseline",))]
    rep = score(gold, {"a.txt": TEXT}, [_claim("c2", "up from 24% in 2015", "contradicted")])
    assert rep.by_class["baseline"].figures() == {"gold": 1, "found": 1, "exact": 0, "problems": 0, "caught": 0}


def test_no_classes_no_table() -> None:
    rep = score([GoldClaim("a.txt", "up from 24% in 2015", "supported")], {"a.txt": TEXT}, [])
    assert rep.by_class == {} and class_table(rep) == []


def test_load_gold_reads_classes_and_rejects_a_bare_string(tmp_path) -> None:
    path = tmp_path / "gold.jsonl"
    lines = [{"article": "a.txt", "quote": "x", "verdict": "supported"},
             {"article": "a.txt", "quote": "y", "verdict": "contradicted", "classes": ["baseline", "scope"], "extra": 1}]
    path.write_text("\n".join(json.dumps(d) for d in lines) + "\n", encoding="utf-8")
    gold = load_gold(path)
    assert [g.classes for g in gold] == [(), ("baseline", "scope")]
    path.write_text(json.dumps({"article": "a.txt", "quote": "y", "verdict": "supported", "classes": "scope"}) + "\n")
    with pytest.raises(ValueError, match="gold.jsonl:1"):
        load_gold(path)


def test_each_deciding_rule_gets_its_decided_and_right_counts():
    """`claimdesk eval` prints, per rule, how many found gold claims it decided and how many
    of those verdicts are right: the figure that shows a rule that does not carry to new text."""
    from claims.evaluation import rule_table

    def claim(cid: str, quote: str, verdict: str, rule: str) -> SystemClaim:
        s, e = _span(quote)
        return SystemClaim("a.txt", cid, quote, s, e, verdict, rule)

    rep = score(GOLD, {"a.txt": TEXT}, [
        claim("c1", "Nearly half of teens (46%) say they are online almost constantly", "supported", "compatible_figure"),
        claim("c2", "up from 24% in 2015", "supported", "compatible_figure"),
        claim("c3", "Youth vaping rose 38% last year", "misrepresented", "number_vs_share_change"),
    ])
    assert rep.by_rule == {"compatible_figure": [1, 1], "number_vs_share_change": [1, 0]}
    lines = rule_table(rep)
    assert lines[1].split() == ["compatible_figure", "2", "1"] and lines[2].split() == ["number_vs_share_change", "1", "1"]


def test_extra_flags_are_split_by_where_they_fall() -> None:
    """A second flag inside a quote labelled supported is noise; inside a problem quote it is
    work the editor does anyway; outside every quote it is noise on unlabelled text."""
    claims = [
        _claim("c1", "Nearly half of teens (46%) say they are online almost constantly", "supported"),
        _claim("c1b", "Nearly half of teens", "unverifiable"),  # inside a supported quote
        _claim("c2", "up from 24% in 2015", "contradicted"),
        _claim("c2b", "24%", "unverifiable"),  # inside a problem quote
        _claim("c3", "Youth vaping rose 38% last year", "misrepresented"),
        _claim("c4", "Usage saw a slight uptick", "contradicted"),
    ]
    text = TEXT + " Extra 5% text."
    claims.append(SystemClaim("a.txt", "c5", "Extra 5% text.", text.index("Extra"), len(text), "unverifiable"))
    rep = score(GOLD, {"a.txt": text}, claims)
    assert (rep.extra_flags, rep.extra_flags_outside_gold, rep.extra_flags_in_supported_quotes) == (3, 1, 1)
