"""The chain, declared once: every step, what it reads, what it writes, and the function that does the work.

A step is a notebook in `notebooks/` (its report is `reports/html/<name>[_<year>].html`) or, when
`notebook` is False, a module step run by `python -m helpers.chain.run <name>`. Its `function`
("module:callable") computes its output tables; the notebook calls that same function, and
`helpers.chain.pipeline` calls it without a kernel (the lower bound `make bench` measures).
Make's rules are generated from this list (`helpers.chain.makefile`), and so is the report index.

Only steps with `per_year` take a `year` parameter; every other step runs once.

Pure Python (no third-party imports): Make reads it through `helpers.chain.makefile`.
"""
from __future__ import annotations

from dataclasses import dataclass

from .sources import SOURCES
from .tables import MONTHLY_PARTS, TABLE_BY_ID, raw_stamp


@dataclass(frozen=True)
class Step:
    name: str
    title: str
    function: str
    inputs: tuple[str, ...] = ()   # table ids this step reads
    folders: tuple[str, ...] = ()  # raw folders this step reads (it waits for their verification, reruns on change)
    optional_inputs: tuple[str, ...] = ()  # ... and those it reads when they exist, built by another goal that then
                                           # rebuilds it (not Make prerequisites: `make all` never starts that goal)
    notebook: bool = True
    per_year: bool = False
    goal: str = "all"              # the Make goal that builds it: all, all-years (only), calibrate (only)
    parameters: tuple[tuple[str, str, str], ...] = ()  # (notebook parameter, Make variable, default)
    question: str = ""             # what its report answers, as the index links it ({year}: the year in question)

    @property
    def outputs(self) -> tuple[str, ...]:
        """Table ids this step writes (declared once, in the table registry)."""
        return tuple(t.id for t in TABLE_BY_ID.values() if t.step == self.name)

    def report(self, year: int | None = None) -> str:
        """Stem of the executed notebook and of its HTML report."""
        return f"{self.name}_{year}" if self.per_year else self.name


def cleaning_steps() -> tuple[Step, ...]:
    """One step per `step` the source registry names (in name order): its title and question from the first source
    that gives them, every folder its sources read, the tables it reads, and the function `build` of
    `helpers.sources.<module>` (the module its name names)."""
    out: dict[str, Step] = {}
    for src in SOURCES:
        prev = out.get(src.step)
        out[src.step] = Step(src.step, (prev.title if prev and prev.title else src.title),
                             f"helpers.sources.{src.module}:build",
                             inputs=tuple(dict.fromkeys((*(prev.inputs if prev else ()), *src.reads))),
                             folders=tuple(dict.fromkeys((*(prev.folders if prev else ()), src.folder))),
                             question=prev.question if prev and prev.question else src.question)
    missing = [name for name, st in out.items() if not st.title]
    if missing:
        raise ValueError(f"cleaning steps without a title (give `title` and `question` to one of their sources): {missing}")
    return _in_order(out)


def _in_order(steps: dict[str, Step]) -> tuple[Step, ...]:
    """`steps` in name order, except that a step reading another's table comes after it (a cross-check)."""
    writes = {t: TABLE_BY_ID[t].step for st in steps.values() for t in st.inputs if t in TABLE_BY_ID}
    done: list[str] = []
    while len(done) < len(steps):
        ready = [n for n in sorted(steps) if n not in done
                 and all(writes.get(t) in done or writes.get(t) not in steps for t in steps[n].inputs)]
        if not ready:
            raise ValueError(f"cleaning steps read each other's tables in a circle: {sorted(set(steps) - set(done))}")
        done.append(ready[0])
    return tuple(steps[n] for n in done)


STEPS = (
    Step("00_acquire", "Raw data verified against the manifest", "helpers.chain.fetch:build",
         question="Are the raw files exactly the ones the manifest lists (hash, size, upstream, licence)?"),
    *cleaning_steps(),
    Step("assemble_signals", "Monthly signals assembled from each source's part", "helpers.sources.monthly:build",
         inputs=tuple(t.id for t in MONTHLY_PARTS), notebook=False),
    Step("20_trend_tests", "A share model per signal and a common trend: crossovers, leaders by year, trends",
         "helpers.stats.signal_results:build",
         inputs=("monthly_signals", "refresh_overlap", "kaggle_respondents", "conference_papers"),
         question="Per signal: PyTorch's share over time, when it took the lead, and how sure we are"),
    Step("22_contenders", "The contest three-way: PyTorch, TensorFlow and JAX on every signal that counts JAX",
         "helpers.stats.contenders:build", inputs=("monthly_signals",),
         question="Who led among PyTorch, TensorFlow and JAX, year by year, and is JAX catching TensorFlow?"),
    Step("30_survey_shift", "Survey shares and year-over-year shifts", "helpers.stats.surveys:build",
         inputs=("kaggle_framework_shares", "kaggle_respondents", "so_survey_framework_shares", "so_survey_pairs",
                 "so_survey_contender_pairs"),
         question="Did the surveys shift from TensorFlow to PyTorch, beyond sampling noise?"),
    Step("25_calibration", "Appendix to the trend tests: do the intervals keep their promise? (make calibrate)",
         "helpers.stats.calibration:build",
         inputs=("monthly_signals", "kaggle_respondents", "conference_papers", "kaggle_framework_shares",
                 "survey_within_year"), goal="calibrate", parameters=(("n_sim", "CALIBRATION_SIMS", "50"),),
         question="Do the intervals cover the truth 95% of the time, and are they no wider than needed?"),
    Step("35_claims", "The article's claims, checked: the scorecard and its robustness", "helpers.report.scorecard:build",
         inputs=("monthly_signals", "signal_tests", "signal_months", "crossovers", "crossover_years", "yearly_trends",
                 "leaders_by_year", "common_trend", "common_trend_crossover", "common_trend_loo",
                 "common_trend_loo_years",
                 "kaggle_framework_shares", "kaggle_respondents",
                 "survey_within_year", "survey_shifts", "survey_reweighted", "conference_papers",
                 "google_trends_export"),
         question="Each of the article's claims, every test and number, and how robust each verdict is"),
    Step("40_verdict", "Verdict: who led in the year, and the claims", "helpers.report.verdict:build",
         inputs=("crossovers", "leaders_by_year", "common_trend", "common_trend_years", "common_trend_crossover",
                 "signal_months", "verdict", "contenders_by_year", "contender_crossovers", "survey_contender_shares"),
         optional_inputs=("calibration",), per_year=True,
         question="Who led in {year}, was the article right, and how sure are we?"),
    Step("50_all_years", "All years: leaders by year and signal", "helpers.report.verdict:all_years",
         inputs=("leaders_by_year", "common_trend_years", "contenders_by_year"), goal="all-years",
         question="Who led in every year, signal by signal (the overview)"),
)
STEP_BY_NAME = {s.name: s for s in STEPS}


def step(name: str) -> Step:
    try:
        return STEP_BY_NAME[name]
    except KeyError:
        known = ", ".join(STEP_BY_NAME)
        raise KeyError(f"no step {name!r}; the steps are: {known}") from None


def needs(s: Step) -> set[str]:
    """The steps `s` waits for (as Make's rules order them): those writing its inputs, and for a step that reads
    raw folders their verification."""
    return {TABLE_BY_ID[t].step for t in (*s.inputs, *(raw_stamp(f) for f in s.folders))}
