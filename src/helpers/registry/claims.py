"""The claims, declared once: each claim's wording, whose claim it is, its decision thresholds, and the rule that
decides it, written both ways with one standard of evidence.

Each id has one evaluation function in `helpers.report.claims` (which reads its thresholds from here) and one row in
`verdict.csv`; the claims page prints the records as a table. A claim judged signal by signal is supported when more
than half of the signals support it, contradicted when more than half contradict it, mixed otherwise (`TALLY`).
Pure Python (no third-party imports), so a report can print the wording without loading the statistics.
"""
from __future__ import annotations

from dataclasses import dataclass

# The thresholds every rule states (each is also varied, symmetrically, in the robustness table).
P_CLEAR = 0.975        # a month counts as "PyTorch ahead" when P(latent share > 1/2) exceeds this, "TensorFlow ahead"
                       # when it is below 1 - P_CLEAR
SHARE_MARGIN = 0.02    # a claimed survey share "matches" when the survey's 95% interval lies within ±2 points of it,
                       # and "differs" when the interval lies wholly outside that band
CHANGE_MARGIN = 0.02   # "no change within a year": the 90% interval of the change lies within ±2 share points
OR_EQUIVALENCE = (0.8, 1.25)  # "answered about equally often": the 90% interval of the odds ratio lies within this
PYPI_TOLERANCE = 0.10  # "about 115 million": within 10% of the range the reasonable package sets give
P_DECIDED = 0.95       # a signal crossed over in the year when P(crossover in the year) >= this, and did not when
                       # P(no crossover in the year) >= this
P_FASTER = 0.95        # the rise began in 2018 on a signal when P(2018's gain > 2017's) > this, already in 2017 when
                       # it is below 1 - P_FASTER
ALPHA = 0.05           # tests and intervals: 5% level, 95% intervals

VERDICTS = ("supported", "contradicted", "mixed", "untestable")
TALLY = ("a claim judged signal by signal is supported when more than half of the signals support it, contradicted "
         "when more than half contradict it (one standard both ways), and mixed otherwise; the finding names the "
         "signals that dissent")


@dataclass(frozen=True)
class Claim:
    id: str
    text: str          # the claim as the reports quote it
    by: str            # whose claim: `article`, or the author of a published claim from outside it
    supported: str     # what would support it
    contradicted: str  # what would contradict it (the same standard of evidence)
    short: str = ""    # a few words naming it (the claims from outside the article, on the verdict page)


CLAIM_RECORDS = (
    Claim("gt_2020_pt_ahead",
          "Google Trends: in 2020 PyTorch was consistently more searched than TensorFlow, peaking Sep 2020", "article",
          f"PyTorch clearly ahead (P(ahead) > {P_CLEAR}) in every month of 2020 the export covers, and its own "
          "interest highest in September (when covered)",
          f"TensorFlow clearly ahead (P(ahead) < {1 - P_CLEAR:.3g}) in at least one of those months (PyTorch ahead "
          "throughout but peaking in another month: mixed)"),
    Claim("pt_rise_began_2018", "TensorFlow led clearly until early 2018, when PyTorch's rise began", "article",
          f"per signal covering 2017-2018 (tallied): TensorFlow led 2017 (95% interval below 50%), and PyTorch's "
          f"share rose faster in 2018 than in 2017 (P > {P_FASTER}, launch months left out)",
          f"per signal: PyTorch led 2017, or the share already rose faster in 2017 (P(2018 faster) < "
          f"{1 - P_FASTER:.2g})"),
    Claim("so_2020_pt_more_questions",
          "Stack Overflow: in 2020 PyTorch consistently got more questions than TensorFlow", "article",
          f"PyTorch clearly ahead (P(ahead) > {P_CLEAR}) in every month of 2020",
          f"TensorFlow clearly ahead (P(ahead) < {1 - P_CLEAR:.3g}) in at least one month of 2020"),
    Claim("kaggle_2021_shares", "Kaggle survey 2021: 42% use PyTorch, 37% TensorFlow (453 respondents)", "article",
          f"both claimed shares match: each survey 95% interval within ±{SHARE_MARGIN * 100:g} points of it",
          f"either differs: its 95% interval wholly outside ±{SHARE_MARGIN * 100:g} points of the claim"),
    Claim("kaggle_2020_shares", "Kaggle survey 2020: 43% TensorFlow, 36% PyTorch", "article",
          f"both claimed shares match: each survey 95% interval within ±{SHARE_MARGIN * 100:g} points of it",
          f"either differs: its 95% interval wholly outside ±{SHARE_MARGIN * 100:g} points of the claim"),
    Claim("kaggle_shift_2020_2021", "Between 2020 and 2021 the survey flipped from TensorFlow to PyTorch", "article",
          "TensorFlow ahead in 2020 and PyTorch ahead in 2021 (each paired 95% interval of the gap excluding 0)",
          "TensorFlow still ahead in 2021, or PyTorch already ahead in 2020 (the same intervals)"),
    Claim("pt_overtook_2021", "PyTorch overtook TensorFlow as the most popular framework in 2021", "article",
          f"per signal covering 2021 (tallied): PyTorch's persistent lead began in 2021 (P(crossover in 2021) >= "
          f"{P_DECIDED}); the trend common to all signals, where every leave-one-out refit agrees, counts too",
          f"per signal: it did not (P(no crossover in 2021) >= {P_DECIDED}: TensorFlow still ahead through 2021, "
          "or PyTorch ahead before it)"),
    Claim("tf_better_answered", "TensorFlow has better community support: more of its questions get answered",
          "article",
          "TensorFlow's questions answered more often: the within-year odds ratio's 95% interval above 1",
          f"PyTorch's answered more often (95% interval below 1), or about equally often (90% interval within "
          f"{OR_EQUIVALENCE[0]}-{OR_EQUIVALENCE[1]}: equivalence at the same 5% level)"),
    Claim("tf_closing_gap_2021", "In 2021 TensorFlow was closing the gap again", "article",
          "per signal (tallied): PyTorch's share fell within 2021 (95% interval of the change below 0)",
          f"per signal: it rose (95% interval above 0) or stayed flat (90% interval within ±{CHANGE_MARGIN * 100:g} "
          "points)"),
    Claim("tf_pypi_115m_2020",
          "TensorFlow was downloaded about 115 million times from PyPI in 2020 (Chollet, Jan 2021)", "François Chollet",
          f"115 million within {PYPI_TOLERANCE:.0%} of the range the reasonable package sets and windows give",
          f"115 million more than {PYPI_TOLERANCE:.0%} outside that range",
          short="about 115 million TensorFlow downloads from PyPI in 2020"),
    Claim("he_2019_conference_majority",
          "In 2019 every major ML conference had a majority of framework-naming papers using PyTorch (He, 2019)",
          "Horace He",
          "every conference: more PyTorch-only than TensorFlow-only accepted papers (a census)",
          "at least one conference without such a majority (a tie or TensorFlow ahead): 'every' is then false",
          short="every major ML conference had a PyTorch majority in 2019"),
)
CLAIM_BY_ID = {c.id: c for c in CLAIM_RECORDS}
CLAIMS = {c.id: c.text for c in CLAIM_RECORDS}
ARTICLE = tuple(c.id for c in CLAIM_RECORDS if c.by == "article")
OUTSIDE = tuple(c.id for c in CLAIM_RECORDS if c.by != "article")
HEADLINE = "pt_overtook_2021"  # the article's headline claim: first on every page that lists the claims
