"""Claim type of a sentence, after Full Fact's annotation schema.

Konstantinovskiy, Price, Babakar, Zubiaga (2021), "Toward Automated Factchecking:
Developing an Annotation Schema and Benchmark for Consistent Automated Claim
Detection", Digital Threats 2(2). The schema's seven top-level types:

- ``quantity``              a quantity in the past or present: a value, a change, a comparison, a ranking
- ``prediction``            a hypothetical claim about the future
- ``correlation_causation`` one thing linked to, or causing, another
- ``rules_laws``            current laws, rules, or how something operates
- ``personal_experience``   an experience of the speaker's own, which nobody else can check
- ``other``                 any other claim (voting records, support, definitions, ...)
- ``not_a_claim``           questions, greetings, exhortations, fragments

A sentence can carry several types; this returns one, in the order above read from
the most specific: not_a_claim, personal_experience, prediction, correlation_causation,
rules_laws (deontic wording), quantity, rules_laws (other legal wording), other.
Pure string and regex rules: no model, no I/O.
"""

from __future__ import annotations

import re

from claims.model import CLAIM_TYPES

__all__ = ["CLAIM_TYPES", "classify_claim_type"]

MIN_WORDS = 4

_I = re.IGNORECASE

_GREETING = re.compile(
    r"^\W*(?:thank(?:s| you)\b|good (?:morning|afternoon|evening|night)\b|hello\b|hi\b|hey\b|welcome\b|"
    r"congratulations\b|goodbye\b|good luck\b|cheers\b|ladies and gentlemen\b|please\b|sorry\b|"
    r"excuse me\b|okay\b|ok\b|well,? thank)",
    _I,
)
_EXHORTATION = re.compile(
    r"^\W*(?:let's|let us|let me|imagine|look at|listen|think about|don't|do not|just|come on|vote for|join|"
    r"(?:we|you|they) (?:need to|must|should|have to|ought to))\b",
    _I,
)
_OPINION_ONLY = re.compile(
    r"^\W*(?:i|we) (?:think|believe|feel|hope|wish|want|would like|am (?:sure|confident|proud|delighted|pleased))\b",
    _I,
)

_FIRST_SINGULAR = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|mine)\b")
_EXPERIENCE = re.compile(
    r"\b(?:I|I've|I'd) (?:(?:have |had |was |'ve )?(?:never |always |once |just |personally )?"
    r"(?:was|were|grew up|lived|worked|met|saw|seen|felt|feel|remember|experienced|visited|spent|"
    r"lost|found|went|came|had|been|heard|learned|learnt|started|suffered|struggled|tried|waited|"
    r"watched|used to|became|left|moved|joined|got|taught|studied|raised|survived|cried|knew))\b"
    r"|\bI'm (?:a|an|one of|still|now|not|proud|lucky|from)\b"
    r"|\bmy (?:mother|father|mum|mom|dad|parents?|son|daughter|children|kids|husband|wife|partner|"
    r"family|brother|sister|grand\w+|friend|friends|neighbou?rs?|colleagues?|own|life|childhood|"
    r"experience|doctor|home|house|job)\b"
    r"|\bwhen I\b|\bin my (?:experience|day|time|life|view)\b",
    _I,
)
_PAST_OR_STATE = re.compile(
    r"\b(?:was|were|had|did|felt|feel|am|I'm|I've|been|\w{3,}ed)\b|\bnever\b",
    _I,
)

_PREDICTION = re.compile(
    r"\b(?:will|won't|shall|'ll|going to|gonna|expects?|expected|expecting|expectations?|forecasts?|"
    r"forecasted|forecasting|predicts?|predicted|predicting|predictions?|projects? (?:that|to|a)|"
    r"projected|projections?|is set to|are set to|on course to|on track to|likely to|unlikely to|"
    r"poised to|anticipated?|outlook|in the coming|next (?:year|month|decade|week)|by (?:the end of )?"
    r"20[3-9]\d|in 20[3-9]\d)\b"
    r"|\bwould (?:cost|raise|cut|create|lose|save|add|reduce|increase|mean|lead|result|bring|push|"
    r"rise|fall|double|halve)\b",
    _I,
)

# Past comparisons against a forecast are about the outcome, not the future.
_NOT_PREDICTION = re.compile(
    r"\b(?:than|as) (?:had been |was |were )?(?:expected|forecast|predicted|projected)\b", _I
)

_CAUSATION = re.compile(
    r"\b(?:caus(?:e|es|ed|ing)|led to|leads? to|leading to|linked (?:to|with)|links? between|"
    r"because of|as a result of|as a result|result of|results? in|resulted in|due to|owing to|"
    r"responsible for|contribut(?:e|es|ed|ing) to|associated with|attributed to|attributable to|"
    r"thanks to|driven by|fuel(?:s|led|ed)|blamed (?:for|on)|the reason (?:for|why)|triggered|"
    r"increases? the risk|raises? the risk|reduces? the risk|lowers? the risk|correlat\w*|"
    r"consequence of|effect of|impact of|boosted by|hit by|prevents?|prevented)\b",
    _I,
)

# Deontic wording: a rule in force, even when a number comes with it.
_RULE_STRONG = re.compile(
    r"\b(?:illegal|unlawful|legally|by law|the law (?:says|requires|states|allows|forbids)|"
    r"(?:is|are|be|was|were) (?:not )?(?:required|obliged|obligated|allowed|permitted|prohibited|"
    r"forbidden|banned|entitled|eligible|exempt|liable)|"
    r"must(?: not)? by law|mandatory|compulsory|it is an offence|against the law|"
    r"requires? (?:that|all|every|employers|companies|people)|under (?:[\w'-]+ ){0,2}(?:laws?|rules?|"
    r"regulations?|legislation)|has the (?:power|right) to)\b",
    _I,
)
# Other legal/operational vocabulary: a rule claim unless it states a figure.
_RULE_WEAK = re.compile(
    r"\b(?:laws?|legislation|legal|rules?|regulations?|regulated|statutes?|statutory|ban|bans|banned|"
    r"banning|acts? of parliament|constitution(?:al)?|treaty|directive|licen[cs]e[ds]?|licensing|"
    r"policy states|rights?|court ruled|ruled that|entitlement|allowance|tax(?:ed)? (?:at|on)|"
    r"visa|permit)\b",
    _I,
)

_QUANTITY_WORDS = re.compile(
    r"\d|%|\bper ?cent\b|\b(?:half|third|quarter|majority|minority|average|"
    r"highest|lowest|largest|biggest|smallest|fastest|slowest|record (?:high|low|level|number)s?|doubled|halved|tripled|"
    r"rose|risen|fell|fallen|grew|grown|dropped|declined|increased|decreased|soared|plunged|"
    r"more than|fewer than|less than|twice|one in|two in|three in|million|billion|thousands?|"
    r"hundreds?|dozens?)\b",
    _I,
)


def _words(sentence: str) -> list[str]:
    return re.findall(r"[\w'%$£€.,-]+", sentence)


def _not_a_claim(s: str, has_quantity: bool) -> bool:
    if len(_words(s)) < MIN_WORDS:
        return True
    if s.rstrip(" \"'”’)").endswith("?"):
        return True
    if _GREETING.search(s):
        return True
    if has_quantity:
        return False
    if _EXHORTATION.search(s):
        return True
    # "I think we can do better." — a view, with nothing countable or causal in it.
    return bool(_OPINION_ONLY.search(s)) and not (_CAUSATION.search(s) or _RULE_STRONG.search(s))


def _personal_experience(s: str, in_quote: bool) -> bool:
    if not _FIRST_SINGULAR.search(s):
        return False
    if _EXPERIENCE.search(s):
        return True
    # A quoted speaker talking about themselves in the past or about their state.
    return in_quote and bool(_PAST_OR_STATE.search(s))


def classify_claim_type(sentence: str, has_quantity: bool, in_quote: bool) -> str:
    """One of `claims.model.CLAIM_TYPES` for a sentence.

    `has_quantity`: the extractor found a (non-vague) figure in the sentence.
    `in_quote`: the sentence, or the claim in it, is inside a direct quotation.
    """
    s = " ".join(sentence.split())
    if _not_a_claim(s, has_quantity):
        return "not_a_claim"
    if _personal_experience(s, in_quote):
        return "personal_experience"
    if _PREDICTION.search(_NOT_PREDICTION.sub(" ", s)):
        return "prediction"
    if _CAUSATION.search(s):
        return "correlation_causation"
    if _RULE_STRONG.search(s):
        return "rules_laws"
    if has_quantity or _QUANTITY_WORDS.search(s):
        return "quantity"
    if _RULE_WEAK.search(s):
        return "rules_laws"
    return "other"
