"""Synthetic benchmark corpus: N news-like articles full of statistics, and the source
documents (survey reports, press releases) whose findings they cite.

    python -m benchmarks.corpus OUT_DIR --articles 1000 [--seed 0] [--external DIR]

Writes OUT_DIR/sources/*.md|*.txt, OUT_DIR/articles/*.txt and OUT_DIR/manifest.json
(counts, and for every cited figure how the article treats it). Everything is made
from templates in this file with varied phrasing and real-looking figures (shares with
and without decimals, fractions and "X in 10", hedges, counts in thousands and
millions, money, hours a day, ranks). The organisations and figures are invented:
the corpus measures speed, it is not a gold set.

How an article cites a finding (weights in `RELATIONS`):
- `correct`: the same figure, reworded (percent sign or "percent", "nearly"/"about"/
  "more than" hedges that fit, fractions and "X in 10" for round shares);
- `wrong_value`: the same measure with a different figure (should be contradicted);
- `misrepresented`: a share reported as the size of an increase, or the right figure
  moved to another year;
- `unsourced`: a figure attributed to an organisation with no document in the corpus
  (unverifiable).
Each article also carries anecdotes and quotes with numbers (not checkable), vague
quantities ("millions of views") and plain news prose.

`--external DIR` mixes real sentences into the prose: DIR/dev.jsonl and DIR/test.jsonl
of a JSON-lines set with a "text" field (e.g. ../shared/eval/external/claimbuster_2.5xNCS).
They are read at generation time and written only to OUT_DIR, never into the repo.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

RELATIONS = {"correct": 0.55, "wrong_value": 0.15, "misrepresented": 0.15, "unsourced": 0.15}

# --- topic vocabulary -----------------------------------------------------------------
# Each topic: publishers (name, short name), populations, predicates for shares (what a
# share of the population did), subjects of changes, count nouns, a level (average per
# day/week), money subjects and rank statements. All invented.

TOPICS: list[dict[str, object]] = [
    dict(key="ebikes", nouns=("e-bikes", "cycling", "commuting"),
         orgs=[("Urban Mobility Research Council", "UMRC"), ("National Cycling Trade Association", "NCTA")],
         pops=["commuters surveyed", "adults in U.S. cities", "bike-share members"],
         preds=["had ridden an e-bike in the past month", "would consider replacing a car trip with an e-bike",
                "felt unsafe riding in traffic", "used a protected bike lane at least once a week"],
         subjects=["e-bike sales", "weekly bike-share trips", "bicycle commuting", "spending on bike lanes"],
         counts=["e-bikes|sold", "bike-share trips|taken", "new docking stations|installed"],
         level=("commuters spent an average of {x} minutes a day travelling to work", (18, 64), 0),
         money=["spending on cycling infrastructure", "e-bike subsidies"],
         ranks=["Commuting was the most common reason for buying an e-bike"]),
    dict(key="remote", nouns=("remote work", "offices", "hybrid schedules"),
         orgs=[("Workplace Futures Institute", "WFI"), ("Council of Office Employers", "COE")],
         pops=["employees surveyed", "office workers in the UK", "managers polled"],
         preds=["worked from home at least two days a week", "said they would quit if ordered back full time",
                "reported higher productivity at home", "had moved further from their office since 2020"],
         subjects=["office occupancy", "demand for coworking space", "commuter rail ridership", "home-office spending"],
         counts=["office desks|removed", "coworking memberships|sold", "remote job adverts|posted"],
         level=("employees spent an average of {x} hours a week in video meetings", (4, 16), 1),
         money=["spending on home-office equipment", "office rent"],
         ranks=["Tuesday was the busiest office day of the week"]),
    dict(key="teens", nouns=("social media", "smartphones", "screen time"),
         orgs=[("Youth Digital Life Project", "YDLP"), ("Center for Adolescent Media Studies", "CAMS")],
         pops=["U.S. teens ages 13 to 17", "parents of teenagers surveyed", "high school students"],
         preds=["said they were online almost constantly", "used a short-video app every day",
                "had tried to cut back on screen time", "said social media made them feel more connected"],
         subjects=["daily screen time", "smartphone ownership among 12-year-olds", "time spent on short-video apps",
                   "use of parental controls"],
         counts=["hours of video|uploaded", "underage accounts|removed", "school phone bans|introduced"],
         level=("teens spent an average of {x} hours a day on their phones", (2, 9), 1),
         money=["spending on youth mental health programmes", "advertising aimed at teens"],
         ranks=["Video apps were the most used platforms among teens"]),
    dict(key="housing", nouns=("rents", "housing", "mortgages"),
         orgs=[("Housing Affordability Trust", "HAT"), ("Residential Lettings Board", "RLB")],
         pops=["renters surveyed", "first-time buyers", "landlords polled"],
         preds=["spent more than a third of their income on rent", "had delayed buying a home",
                "expected to move within two years", "had received a rent increase in the past year"],
         subjects=["average rents", "home sales", "mortgage approvals", "new housing starts"],
         counts=["homes|built", "eviction notices|filed", "mortgage applications|submitted"],
         level=("renters spent an average of {x} percent of their income on housing", (24, 41), 1),
         money=["spending on housing benefit", "the median home price"],
         ranks=["Austin was the city with the fastest rent growth"]),
    dict(key="energy", nouns=("heat pumps", "solar panels", "energy bills"),
         orgs=[("Clean Heat Alliance", "CHA"), ("Home Energy Observatory", "HEO")],
         pops=["homeowners surveyed", "households in Europe", "installers polled"],
         preds=["had installed solar panels", "planned to replace a gas boiler", "said energy bills were their top worry",
                "had turned down the heating to save money"],
         subjects=["heat pump installations", "rooftop solar capacity", "household energy bills", "electricity prices"],
         counts=["heat pumps|installed", "solar panels|fitted", "home energy audits|carried out"],
         level=("households used an average of {x} kilowatt-hours of electricity a day", (8, 31), 1),
         money=["spending on home insulation grants", "investment in grid batteries"],
         ranks=["Germany was the largest market for heat pumps in Europe"]),
    dict(key="dental", nouns=("dentists", "dental care", "orthodontics"),
         orgs=[("Association of Practising Dentists", "APD"), ("Oral Health Foundation of America", "OHFA")],
         pops=["dentists surveyed", "adults in the U.S.", "parents of young children"],
         preds=["had skipped a check-up because of cost", "saw more patients grinding their teeth",
                "offered clear aligners", "reported longer waiting lists"],
         subjects=["demand for clear aligners", "emergency dental visits", "teeth-whitening treatments", "dental fees"],
         counts=["fillings|placed", "children|treated for tooth decay", "dental practices|closed"],
         level=("patients waited an average of {x} weeks for an appointment", (2, 14), 1),
         money=["spending on cosmetic dentistry", "dental insurance premiums"],
         ranks=["Whitening was the most requested cosmetic treatment"]),
    dict(key="travel", nouns=("air travel", "tourism", "hotels"),
         orgs=[("Global Travel Monitor", "GTM"), ("Federation of Independent Hotels", "FIH")],
         pops=["travellers surveyed", "hotel owners", "adults in Canada"],
         preds=["planned a trip abroad this year", "had cancelled a holiday because of prices",
                "booked through an app", "said they preferred trains for short trips"],
         subjects=["international arrivals", "hotel occupancy", "average airfares", "short-term rental bookings"],
         counts=["airport passengers|screened", "hotel rooms|added", "cruise passengers|carried"],
         level=("guests stayed an average of {x} nights", (2, 7), 1),
         money=["tourist spending", "airport investment"],
         ranks=["Lisbon was the most booked city break destination"]),
    dict(key="food", nouns=("groceries", "home cooking", "restaurants"),
         orgs=[("Food Price Watch", "FPW"), ("National Restaurant Operators Guild", "NROG")],
         pops=["shoppers surveyed", "restaurant owners", "households in the UK"],
         preds=["had switched to cheaper own-brand products", "cooked at home most nights",
                "ordered takeaway at least once a week", "had cut back on fresh fruit"],
         subjects=["grocery prices", "restaurant visits", "food bank use", "meal-kit subscriptions"],
         counts=["food parcels|handed out", "restaurants|opened", "meal kits|delivered"],
         level=("households spent an average of {x} hours a week cooking", (3, 9), 1),
         money=["spending on groceries", "restaurant sales"],
         ranks=["Eggs were the item with the largest price rise"]),
    dict(key="pets", nouns=("pets", "vets", "pet insurance"),
         orgs=[("Companion Animal Survey Group", "CASG"), ("Veterinary Practice Council", "VPC")],
         pops=["pet owners surveyed", "vets polled", "dog owners in Australia"],
         preds=["had taken out pet insurance", "got a pet during the pandemic", "struggled to afford vet bills",
                "took their dog to work"],
         subjects=["pet adoptions", "vet fees", "pet food prices", "pet insurance claims"],
         counts=["shelter dogs|adopted", "cats|microchipped", "pet insurance policies|sold"],
         level=("owners walked their dogs an average of {x} minutes a day", (25, 75), 0),
         money=["spending on pet care", "the pet food market"],
         ranks=["Labradors were the most popular breed"]),
    dict(key="sleep", nouns=("sleep", "insomnia", "wearables"),
         orgs=[("Sleep Health Research Network", "SHRN"), ("Institute for Rest and Recovery", "IRR")],
         pops=["adults surveyed", "shift workers", "college students"],
         preds=["slept fewer than seven hours a night", "used a sleep-tracking device",
                "said stress kept them awake", "took a nap most days"],
         subjects=["sales of sleep trackers", "prescriptions for sleep aids", "melatonin use", "sleep clinic referrals"],
         counts=["sleep studies|performed", "sleep trackers|sold", "insomnia referrals|made"],
         level=("adults slept an average of {x} hours a night", (5, 8), 1),
         money=["spending on sleep aids", "the mattress market"],
         ranks=["Stress was the most cited cause of poor sleep"]),
    dict(key="streaming", nouns=("streaming", "television", "podcasts"),
         orgs=[("Audience Measurement Bureau", "AMB"), ("Digital Entertainment Panel", "DEP")],
         pops=["viewers surveyed", "households with a TV", "adults under 35"],
         preds=["paid for three or more streaming services", "had cancelled a subscription to save money",
                "listened to a podcast every week", "watched live TV less than once a week"],
         subjects=["streaming subscriptions", "cable cancellations", "podcast listening", "ad-supported plan sign-ups"],
         counts=["subscriptions|cancelled", "podcast episodes|published", "hours of content|streamed"],
         level=("viewers watched an average of {x} hours of streaming video a day", (2, 6), 1),
         money=["spending on streaming", "podcast advertising"],
         ranks=["Crime dramas were the most watched genre"]),
    dict(key="fitness", nouns=("gyms", "running", "fitness apps"),
         orgs=[("Active Lives Research Unit", "ALRU"), ("Health Club Federation", "HCF")],
         pops=["gym members surveyed", "adults in England", "runners polled"],
         preds=["exercised at least three times a week", "used a fitness app", "had joined a running club",
                "cancelled a gym membership"],
         subjects=["gym memberships", "marathon entries", "fitness app downloads", "sales of running shoes"],
         counts=["gym memberships|sold", "parkrun finishes|recorded", "fitness apps|downloaded"],
         level=("members spent an average of {x} minutes per visit", (35, 80), 0),
         money=["spending on fitness", "the home-gym equipment market"],
         ranks=["Strength training was the fastest growing activity"]),
    dict(key="nursing", nouns=("nurses", "hospitals", "staffing"),
         orgs=[("Nursing Workforce Observatory", "NWO"), ("Hospital Staffing Council", "HSC")],
         pops=["nurses surveyed", "hospital managers", "nursing students"],
         preds=["planned to leave the profession within five years", "worked unpaid overtime every week",
                "reported a staff shortage on their ward", "had been verbally abused by a patient"],
         subjects=["nursing vacancies", "agency staffing costs", "nursing school applications", "overtime hours"],
         counts=["nursing posts|left unfilled", "nurses|recruited from abroad", "shifts|covered by agency staff"],
         level=("nurses worked an average of {x} hours of overtime a week", (3, 12), 1),
         money=["spending on agency nurses", "the nursing pay bill"],
         ranks=["Burnout was the most common reason for leaving"]),
    dict(key="farming", nouns=("farms", "crops", "fertiliser"),
         orgs=[("Rural Economy Statistics Office", "RESO"), ("Growers' Cooperative Federation", "GCF")],
         pops=["farmers surveyed", "dairy producers", "growers in India"],
         preds=["had cut fertiliser use", "expected lower profits this year", "used drones to monitor crops",
                "had switched to drought-resistant seed"],
         subjects=["wheat yields", "fertiliser prices", "organic acreage", "farm incomes"],
         counts=["tonnes of wheat|harvested", "farms|sold", "hectares of cover crops|planted"],
         level=("farmers worked an average of {x} hours a week", (48, 72), 0),
         money=["spending on farm subsidies", "crop insurance payouts"],
         ranks=["Drought was the biggest risk named by growers"]),
    dict(key="ev", nouns=("electric cars", "charging", "batteries"),
         orgs=[("Electric Vehicle Market Monitor", "EVMM"), ("Charging Network Association", "CNA")],
         pops=["drivers surveyed", "car buyers in Germany", "fleet managers"],
         preds=["would consider an electric car for their next purchase", "worried about finding a charger",
                "charged their car at home", "said prices were the main barrier"],
         subjects=["electric car sales", "public charging points", "battery prices", "used EV prices"],
         counts=["electric cars|registered", "public chargers|installed", "charging sessions|recorded"],
         level=("drivers charged for an average of {x} minutes per session", (22, 55), 0),
         money=["spending on charging networks", "EV purchase grants"],
         ranks=["Range was the most common concern among buyers"]),
    dict(key="libraries", nouns=("libraries", "reading", "e-books"),
         orgs=[("Public Library Data Service", "PLDS"), ("Reading Habits Panel", "RHP")],
         pops=["library users surveyed", "adults in Ireland", "children aged 8 to 12"],
         preds=["had borrowed an e-book", "read for pleasure every day", "visited a library in the past year",
                "listened to audiobooks"],
         subjects=["e-book loans", "library visits", "audiobook sales", "print book sales"],
         counts=["books|borrowed", "library branches|closed", "library cards|issued"],
         level=("children read for an average of {x} minutes a day", (12, 45), 0),
         money=["spending on public libraries", "the audiobook market"],
         ranks=["Crime fiction was the most borrowed genre"]),
]

FIRST = ["Maria", "James", "Aisha", "Tom", "Priya", "Daniel", "Sofia", "Kwame", "Elena", "Liam", "Grace", "Mateo",
         "Hannah", "Omar", "Chloe", "Ravi", "Zoe", "Lucas", "Amara", "Noah", "Fatima", "Ethan", "Leila", "Sam"]
LAST = ["Alvarez", "Chen", "Okafor", "Brennan", "Patel", "Kowalski", "Moreau", "Nakamura", "Osei", "Lindqvist",
        "Haddad", "Murphy", "Rossi", "Schmidt", "Dubois", "Novak", "Silva", "Tanaka", "Walsh", "Ibrahim"]
JOBS = ["a teacher", "a nurse", "a software developer", "a shop owner", "a retired engineer", "a student",
        "a bus driver", "an accountant", "a graphic designer", "a chef", "a paramedic", "a property manager"]
CITIES = ["Leeds", "Denver", "Lyon", "Toronto", "Melbourne", "Phoenix", "Glasgow", "Austin", "Cork", "Portland",
          "Manchester", "Sacramento", "Hamburg", "Ottawa", "Brisbane", "Atlanta"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
UNSOURCED_ORGS = ["a consultancy", "an industry newsletter", "one trade group", "a market research firm",
                  "the Lakeside Policy Forum", "Brightline Analytics", "a university team in Utrecht"]
WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
FRACTIONS = [(25.0, "a quarter"), (100 / 3, "a third"), (50.0, "half"), (200 / 3, "two-thirds"), (75.0, "three-quarters")]

PROSE = [
    "{name}, {job} in {city}, has noticed the change first-hand.",
    "The shift has been gradual, but it is now hard to miss.",
    "Not everyone is convinced the trend will last.",
    "Critics say the figures hide wide differences between regions.",
    "{org} has tracked the question for several years, using the same wording each time.",
    "The picture looks different in rural areas, where options are fewer.",
    "Analysts caution that one year of data is not a trend.",
    "Local officials say they are watching the numbers closely.",
    "Some of the change may simply reflect prices catching up after the pandemic.",
    "For {name2}, the reasons are practical rather than ideological.",
    "Industry groups have welcomed the findings, while campaigners say they do not go far enough.",
    "The report does not say how the sample was weighted.",
    "Researchers plan to repeat the exercise next year with a larger sample.",
    "It is a story that has played out in cities across the country.",
    "Whether the habit survives a downturn is another matter.",
    "Economists point to higher interest rates as one explanation.",
    "{name} said the decision came down to cost.",
    "The figures were released on a {weekday} morning with little fanfare.",
    "{name} first noticed it last spring, when friends started asking about {noun} over dinner.",
    "Supporters argue that the benefits are only beginning to show, and that the early adopters are a guide to what comes next.",
    "Opponents counter that the gains are concentrated among people who were already well off.",
    "The government has said it will publish its own review of {noun} later this year.",
    "In {city}, the council has set up a working group to look at the issue, though it has yet to report.",
    "There is no single explanation, and the people involved give very different reasons.",
    "Several experts interviewed for this article said the question deserved more careful study than it has received.",
    "{org} did not respond to a request for comment on how its questions were worded.",
    "Even so, the direction of travel is clear to most people who work in the sector.",
    "The debate has become more heated on social media, where claims about {noun} spread quickly.",
    "{name}, who has worked in the field for two decades, describes the last few years as unlike anything before.",
    "Much depends on what happens to household budgets over the coming months.",
    "For now, the people most affected say they are simply trying to adapt.",
    "The survey was carried out online and by telephone, and its authors say the results are broadly comparable with earlier years.",
]
QUOTES = [
    '"I never thought I would be one of those people, but here we are," said {name}, {job} in {city}.',
    '"We used to see {n} people a week. Now it is more like {m}," said {name}, who runs a business in {city}.',
    '"Honestly, it saves me about {n} minutes every morning," said {name}.',
    '"My family spends maybe {n} percent of what we used to," said {name}, {job}.',
    '"It took me {n} months to get used to it," {name} said.',
    '"Everyone I know has tried it at least once," said {name}, {job} in {city}.',
    '"I go back every {n} weeks, like clockwork," said {name}.',
]
VAGUE = [
    "Videos about {noun} have racked up millions of views online.",
    "Hundreds of local groups have sprung up to share tips on {noun}.",
    "Thousands of people have signed petitions about {noun} in recent months.",
    "Dozens of companies now sell products aimed at the trend.",
]
HEADLINES = [
    "Why {noun} is booming, and who is being left behind",
    "The numbers behind the {noun} surge",
    "{Noun}: what the latest survey really shows",
    "A quiet revolution in {noun}",
    "Is the {noun} trend here to stay?",
    "New figures shed light on {noun}",
    "How {noun} changed in a single year",
]
SECTION = ["What the data say", "A closer look", "Behind the figures", "The bigger picture", "What comes next",
           "Counting the cost", "Winners and losers"]


# --- findings -------------------------------------------------------------------------

@dataclass
class Finding:
    kind: str        # share | change | count | amount | level | rank
    value: float     # the figure (percent, count, money in units, level)
    year: int
    slot: str        # predicate / subject / count noun / money subject / rank sentence
    pop: str = ""
    up: bool = True
    decimals: int = 0
    source_sentence: str = ""


@dataclass
class Source:
    sid: str
    topic: dict[str, object]
    org: tuple[str, str]
    year: int
    pop: str
    findings: list[Finding] = field(default_factory=list)
    fmt: str = "md"


def _fmt_num(v: float, decimals: int) -> str:
    return f"{v:,.{decimals}f}"


def _big(v: float) -> str:
    """4300 -> '4,300'; 1_250_000 -> '1.25 million'; 3.4e9 -> '3.4 billion'."""
    if v >= 1e9:
        return f"{v / 1e9:.3g} billion"
    if v >= 1e6:
        return f"{v / 1e6:.3g} million"
    return f"{v:,.0f}"


def _money(v: float, cur: str) -> str:
    return f"{cur}{_big(v)}"


def _pct(rng: random.Random) -> tuple[float, int]:
    if rng.random() < 0.2:
        return round(rng.uniform(3, 92), 1), 1
    return float(rng.choice([rng.randint(4, 94), rng.choice([25, 33, 50, 66, 75, 20, 30, 40, 60, 70, 80, 90])])), 0


def _make_finding(rng: random.Random, topic: dict[str, object], year: int, pop: str) -> Finding:
    kind = rng.choices(["share", "change", "count", "amount", "level", "rank"], [0.4, 0.25, 0.12, 0.1, 0.1, 0.03])[0]
    if kind == "share":
        v, d = _pct(rng)
        return Finding("share", v, year, rng.choice(topic["preds"]), pop=pop, decimals=d)
    if kind == "change":
        v, d = _pct(rng)
        if v > 60 and rng.random() < 0.8:
            v, d = float(rng.randint(2, 60)), 0
        return Finding("change", v, year, rng.choice(topic["subjects"]), up=rng.random() < 0.7, decimals=d)
    if kind == "count":
        mag = rng.choice([1e3, 1e4, 1e5, 1e6, 1e7])
        v = round(rng.uniform(1.1, 9.8) * mag, -2 if mag < 1e6 else -4)
        return Finding("count", v, year, rng.choice(topic["counts"]))
    if kind == "amount":
        v = round(rng.uniform(1.2, 9.9), 1) * rng.choice([1e6, 1e8, 1e9])
        return Finding("amount", v, year, rng.choice(topic["money"]))
    if kind == "level":
        template, (lo, hi), d = topic["level"]
        v = round(rng.uniform(lo, hi), d)
        return Finding("level", v, year, template, decimals=d)
    return Finding("rank", 1.0, year, rng.choice(topic["ranks"]))


def _source_sentence(f: Finding, src: Source, cur: str, rng: random.Random) -> str:
    y = f.year
    if f.kind == "share":
        v = _fmt_num(f.value, f.decimals)
        return rng.choice([
            f"In the {y} survey, {v}% of {src.pop} {f.slot}.",
            f"{v}% of {src.pop} {f.slot} in {y}.",
            f"Over {y}, {v} percent of {src.pop} {f.slot}.",
        ])
    if f.kind == "change":
        v = _fmt_num(f.value, f.decimals)
        verb = rng.choice(["rose", "increased", "grew"]) if f.up else rng.choice(["fell", "declined", "dropped"])
        cap = f.slot[0].upper() + f.slot[1:]
        return rng.choice([
            f"{cap} {verb} {v}% in {y} compared with {y - 1}.",
            f"In {y}, {f.slot} {verb} by {v} percent from the previous year.",
        ])
    if f.kind == "count":
        noun, verb = f.slot.split("|")
        return rng.choice([f"A total of {_big(f.value)} {noun} were {verb} in {y}.",
                           f"In {y}, {_big(f.value)} {noun} were {verb}."])
    if f.kind == "amount":
        cap = f.slot[0].upper() + f.slot[1:]
        return rng.choice([f"{cap} reached {_money(f.value, cur)} in {y}.",
                           f"In {y}, {f.slot} totalled {_money(f.value, cur)}."])
    if f.kind == "level":
        s = f.slot.format(x=_fmt_num(f.value, f.decimals))
        return f"In {y}, {s}."
    return f"{f.slot} in {y}."


def make_source(rng: random.Random, idx: int, topic: dict[str, object]) -> Source:
    org = rng.choice(topic["orgs"])
    year = rng.randint(2016, 2024)
    pop = rng.choice(topic["pops"])
    src = Source(f"src-{idx:05d}-{topic['key']}-{year}", topic, org, year, pop, fmt="md" if rng.random() < 0.7 else "txt")
    cur = "£" if "UK" in pop or "England" in pop else ("€" if "Europe" in pop or "Germany" in pop else "$")
    seen = set()
    for _ in range(rng.randint(7, 14)):
        f = _make_finding(rng, topic, year, pop)
        if (f.kind, f.slot) in seen:
            continue
        seen.add((f.kind, f.slot))
        f.source_sentence = _source_sentence(f, src, cur, rng)
        src.findings.append(f)
    return src


def _weighted_n(src: Source) -> str:
    return f"{random.Random(src.sid + 'n').randint(800, 9000):,}"


def render_source(src: Source) -> str:
    name, short = src.org
    noun = src.topic["nouns"][0]
    title = f"{noun.capitalize()} in {src.year}: {short} annual survey"
    head = [f"Publisher: {name} ({short})", f"Released: {random.Random(src.sid).choice(MONTHS)} {src.year + 1}",
            f"Method: online survey, {_weighted_n(src)} respondents ({src.pop})", f"Period: the {src.year} calendar year"]
    intro = (f"This report summarises the {src.year} edition of the {short} survey on {noun}. "
             "Figures are weighted to be nationally representative. The wording is the institute's own.")
    if src.fmt == "md":
        lines = [f"# {title}", ""] + [f"- {h}" for h in head] + ["", intro, "", "## Findings", ""]
        lines += [f"- {f.source_sentence}" for f in src.findings]
    else:
        lines = [title, ""] + head + ["", intro, "", "Findings", ""]
        for f in src.findings:
            lines += [f.source_sentence, ""]
    return "\n".join(lines).rstrip() + "\n"


# --- article sentences ----------------------------------------------------------------

def _share_phrase(v: float, decimals: int, rng: random.Random) -> tuple[str, float]:
    """An article's wording of a share; returns the text and the value it states."""
    r = rng.random()
    for fv, words in FRACTIONS:
        if abs(v - fv) < 1.0 and r < 0.6:
            return (rng.choice(["", "about ", "roughly "]) + words), fv
    if decimals == 0 and v % 10 == 0 and 10 <= v <= 90 and r < 0.5:
        return f"{WORDS.get(int(v // 10), str(int(v // 10)))} in 10", v
    if r < 0.15 and v > 8:
        return f"nearly {math.ceil(v + 0.5):.0f}%", v
    if r < 0.25 and v > 8:
        return f"more than {math.floor(v - 0.5):.0f}%", v
    if r < 0.6:
        return f"{_fmt_num(v, decimals)} percent", v
    return f"{_fmt_num(v, decimals)}%", v


def _attrib(src: Source, rng: random.Random) -> tuple[str, str]:
    """(leading, trailing) attribution phrases."""
    name, short = src.org
    which = rng.random()
    if which < 0.35:
        return f"According to the {name}, ", ""
    if which < 0.6:
        return "", f", according to {short}"
    if which < 0.8:
        return "", f", the {short} survey found"
    return f"A {short} survey found that ", ""


def _cap(s: str) -> str:
    return s[0].upper() + s[1:] if s else s


def article_sentence(f: Finding, src: Source, relation: str, rng: random.Random) -> str:
    lead, tail = _attrib(src, rng)
    y = f.year
    year_txt = rng.choice([f"in {y}", f"in {y}", "last year"]) if relation != "misrepresented" else f"in {y + 1}"
    value = f.value
    if relation == "wrong_value":
        shift = rng.choice([-1, 1]) * rng.uniform(0.15, 0.45)
        value = f.value * (1 + shift) if f.kind in ("count", "amount", "level") else max(1.0, min(97.0, f.value + shift * 40))
        value = round(value, f.decimals) if f.kind in ("share", "change", "level") else value
    if relation == "unsourced":
        lead, tail = f"{_cap(rng.choice(UNSOURCED_ORGS))} estimates that ", ""
    if f.kind == "share":
        if relation == "misrepresented" and rng.random() < 0.5:
            # a share of the group reported as the size of a change
            v = _fmt_num(value, f.decimals)
            return f"{lead}{_cap(src.pop) if not lead else src.pop} saw a {v}% increase in those who {f.slot}{tail}."
        phrase, _ = _share_phrase(value, f.decimals, rng)
        body = f"{phrase} of {f.pop} {f.slot} {year_txt}"
        return _cap(f"{lead}{body}{tail}.")
    if f.kind == "change":
        v = _fmt_num(value, f.decimals)
        if f.up:
            verb = rng.choice([f"jumped {v}%", f"rose {v} percent", f"climbed by {v}%", f"were up {v}%"])
        else:
            verb = rng.choice([f"fell {v}%", f"dropped {v} percent", f"were down {v}%", f"slid by {v}%"])
        return _cap(f"{lead}{f.slot} {verb} {year_txt}{tail}.")
    if f.kind == "count":
        txt = _big(value)
        if relation == "correct" and rng.random() < 0.4 and value >= 1e6:
            txt = f"more than {_big(math.floor(value / 1e6) * 1e6)}"
        noun, verb = f.slot.split("|")
        return _cap(f"{lead}{rng.choice(['', 'some '])}{txt} {noun} were {verb} {year_txt}{tail}.")
    if f.kind == "amount":
        cur = "£" if "UK" in src.pop or "England" in src.pop else ("€" if "Europe" in src.pop or "Germany" in src.pop else "$")
        return _cap(f"{lead}{f.slot} hit {_money(value, cur)} {year_txt}{tail}.")
    if f.kind == "level":
        s = f.slot.format(x=_fmt_num(value, f.decimals))
        return _cap(f"{lead}{s} {year_txt}{tail}.")
    return _cap(f"{lead}{f.slot[0].lower() + f.slot[1:]} {year_txt}{tail}.")


def _fill(template: str, rng: random.Random, topic: dict[str, object], src: Source) -> str:
    return template.format(
        name=f"{rng.choice(FIRST)} {rng.choice(LAST)}", name2=rng.choice(FIRST), job=rng.choice(JOBS),
        city=rng.choice(CITIES), org=src.org[1], noun=rng.choice(topic["nouns"]), Noun=_cap(topic["nouns"][0]),
        weekday=rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday"]), n=rng.randint(2, 12),
        m=rng.randint(13, 40))


def load_external(folder: str | Path) -> list[str]:
    """Sentences of a JSON-lines set (a "text" field per line), for mixing into the prose."""
    out: list[str] = []
    for name in ("dev.jsonl", "test.jsonl", "train.jsonl"):
        p = Path(folder) / name
        if p.exists():
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    t = str(json.loads(line).get("text", "")).strip()
                    if 40 <= len(t) <= 300:
                        out.append(t)
    return out


def make_article(rng: random.Random, idx: int, sources_by_topic: dict[str, list[Source]], topics: list[dict[str, object]],
                 external: list[str]) -> tuple[str, str, list[dict[str, object]]]:
    topic = rng.choice([t for t in topics if sources_by_topic[str(t["key"])]])
    cands = sources_by_topic[str(topic["key"])]
    cited_sources = rng.sample(cands, k=min(len(cands), rng.choice([1, 1, 2])))
    pool = [(s, f) for s in cited_sources for f in s.findings]
    rng.shuffle(pool)
    picked = pool[: rng.randint(4, 9)]
    noun = rng.choice(topic["nouns"])
    headline = rng.choice(HEADLINES).format(noun=noun, Noun=_cap(noun))
    cites = []
    stats = []
    for s, f in picked:
        rel = rng.choices(list(RELATIONS), list(RELATIONS.values()))[0]
        if rel == "misrepresented" and f.kind == "rank":
            rel = "correct"
        sent = article_sentence(f, s, rel, rng)
        stats.append(sent)
        cites.append({"source": s.sid, "kind": f.kind, "relation": rel, "sentence": sent})
    src0 = cited_sources[0]
    paras: list[list[str]] = []
    # lede: a person, then the first statistic
    paras.append([_fill(rng.choice(PROSE[:1] + PROSE[9:10]), rng, topic, src0), stats[0]])
    rest = stats[1:]
    target = rng.randint(6, 10)
    while rest or len(paras) < target:
        p: list[str] = []
        for _ in range(rng.randint(1, 2)):
            if rest:
                p.append(rest.pop(0))
        for _ in range(rng.randint(2, 4)):
            r = rng.random()
            if external and r < 0.3:
                p.append(rng.choice(external))
            elif r < 0.55:
                p.append(_fill(rng.choice(PROSE), rng, topic, src0))
            elif r < 0.8:
                p.append(_fill(rng.choice(QUOTES), rng, topic, src0))
            else:
                p.append(_fill(rng.choice(VAGUE), rng, topic, src0))
        rng.shuffle(p)
        paras.append(p)
        if rng.random() < 0.2:
            paras.append([rng.choice(SECTION)])
    if len(paras[-1]) == 1 and paras[-1][0] in SECTION:
        paras.pop()
    paras.append([_fill(rng.choice(PROSE), rng, topic, src0)])
    text = headline + "\n\n" + "\n\n".join(" ".join(p) for p in paras) + "\n"
    return f"article-{idx:05d}.txt", text, cites


@dataclass
class Corpus:
    root: Path
    articles: list[Path]
    sources: list[Path]
    n_cited: int
    relations: dict[str, int]
    words: int

    @property
    def articles_dir(self) -> Path:
        return self.root / "articles"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"


def generate(out: str | Path, n_articles: int, *, seed: int = 0, n_sources: int | None = None,
             external: str | Path | None = None) -> Corpus:
    """Write n_articles articles and their source documents under `out` (replacing earlier files)."""
    rng = random.Random(seed)
    root = Path(out)
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(parents=True, exist_ok=True)
    for old in list((root / "articles").glob("*")) + list((root / "sources").glob("*")):
        old.unlink()
    ext = load_external(external) if external else []
    n_sources = n_sources or max(len(TOPICS), n_articles // 5)
    sources: list[Source] = []
    by_topic: dict[str, list[Source]] = {str(t["key"]): [] for t in TOPICS}
    for i in range(n_sources):
        topic = TOPICS[i % len(TOPICS)]
        s = make_source(rng, i, topic)
        sources.append(s)
        by_topic[str(topic["key"])].append(s)
    src_paths = []
    for s in sources:
        p = root / "sources" / f"{s.sid}.{s.fmt}"
        p.write_text(render_source(s), encoding="utf-8")
        src_paths.append(p)
    art_paths, manifest, relations, words = [], [], dict.fromkeys(RELATIONS, 0), 0
    for i in range(n_articles):
        name, text, cites = make_article(rng, i, by_topic, TOPICS, ext)
        p = root / "articles" / name
        p.write_text(text, encoding="utf-8")
        art_paths.append(p)
        words += len(re.findall(r"\S+", text))
        for c in cites:
            relations[str(c["relation"])] += 1
        manifest.append({"article": name, "cites": cites})
    n_cited = sum(relations.values())
    (root / "manifest.json").write_text(json.dumps({
        "seed": seed, "articles": n_articles, "sources": len(sources), "words": words, "cited_figures": n_cited,
        "relations": relations, "external": str(external) if external else None, "per_article": manifest,
    }, indent=1), encoding="utf-8")
    return Corpus(root, art_paths, src_paths, n_cited, relations, words)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=100)
    ap.add_argument("--sources", type=int, default=None, help="source documents (default: articles / 5, at least 16)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--external", metavar="DIR", help="JSON-lines set whose sentences are mixed into the prose")
    a = ap.parse_args(argv)
    c = generate(a.out, a.articles, seed=a.seed, n_sources=a.sources, external=a.external)
    print(f"corpus: {len(c.articles)} articles ({c.words} words), {len(c.sources)} sources, {c.n_cited} cited figures "
          f"{c.relations} -> {c.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
