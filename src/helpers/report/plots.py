"""Charts shared by the notebooks: one look and one colour per framework, breaks marked.

Colours are Okabe-Ito (colour-blind safe). Every function returns the matplotlib Figure.
"""
from __future__ import annotations

import itertools

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from ..registry.crossover import describe_record
from ..registry.signals import COMMON_TREND_LABEL, FRAMEWORK_LABELS, SIGNAL_BY_ID, label
from . import colours

COLORS = colours.FRAMEWORK  # PyTorch and TensorFlow in the reports' one colour language
LABELS = FRAMEWORK_LABELS


def style() -> None:
    plt.style.use("seaborn-v0_8-whitegrid")  # seaborn's whitegrid look without importing seaborn in every kernel
    plt.rcParams.update({"figure.dpi": 100, "savefig.dpi": 100, "axes.titleweight": "bold",
                         "axes.titlesize": 12, "figure.figsize": (9, 4.5)})


def _mark_breaks(ax, breaks: dict[int, str], numbered: bool = True) -> None:
    for i, year in enumerate(sorted(breaks), start=1):
        ax.axvline(year - 0.5, color="0.4", ls=":", lw=1)
        if numbered:
            ax.annotate(f"B{i}", (year - 0.5, 1), xycoords=("data", "axes fraction"), ha="center", va="bottom",
                        fontsize=8, color="0.3")


def survey_shares(shares: pd.DataFrame, frameworks=("tensorflow", "pytorch", "keras"), breaks: dict | None = None,
                  highlight: int | None = None, title: str = "Kaggle survey: share using each framework"):
    """Two panels (of those who answered / of all respondents), points with Wilson 95% intervals."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    panels = [("of respondents who answered the question", "answered_share", "answered_share_low", "answered_share_high"),
              ("of all respondents", "all_share", "all_share_low", "all_share_high")]
    for ax, (basis, col, lo, hi) in zip(axes, panels, strict=True):
        for j, fw in enumerate(frameworks):
            s = shares[shares["framework"] == fw].sort_values("year")
            x = s["year"] + (j - 1) * 0.08
            ax.errorbar(x, s[col], yerr=[(s[col] - s[lo]).clip(lower=0), (s[hi] - s[col]).clip(lower=0)], marker="o",
                        capsize=3, color=COLORS.get(fw), label=LABELS.get(fw, fw))
            if "is_complete" in s:  # a sample year: open marker
                sample = ~s["is_complete"].astype(bool)
                ax.plot(x[sample], s.loc[sample, col], "o", mfc="white", mec=COLORS.get(fw), zorder=3)
        if breaks:
            _mark_breaks(ax, breaks)
        if highlight is not None:
            ax.axvspan(highlight - 0.4, highlight + 0.4, color="0.9", zorder=0)
        ax.set_title(basis, fontsize=10, fontweight="normal", pad=14)
        years = sorted(shares["year"].unique())
        samples = set(shares.loc[~shares["is_complete"].astype(bool), "year"]) if "is_complete" in shares else set()
        ax.set_xticks(years, [f"{y}\n(sample)" if y in samples else str(y) for y in years])
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        top = shares[shares["framework"].isin(frameworks)][col].max()
        ax.set_ylim(0, max(0.6, 1.15 * top if pd.notna(top) else 0.6))
    axes[0].legend(loc="lower left", frameon=True)
    axes[0].set_ylabel("share (Wilson 95% interval)")
    fig.suptitle(title, fontweight="bold")
    fig.tight_layout()
    return fig


def exclusive_users(within: pd.DataFrame, a: str = "tensorflow", b: str = "pytorch", breaks: dict | None = None):
    """Per year: respondents who picked only A, only B, or both (the McNemar cells), as shares."""
    d = within.set_index("year")
    parts = pd.DataFrame({f"{LABELS[a]} only": d[f"n_{a}_only"] / d["n_answered"], "both": d["n_both"] / d["n_answered"],
                          f"{LABELS[b]} only": d[f"n_{b}_only"] / d["n_answered"]})
    fig, ax = plt.subplots(figsize=(9, 3.8))
    parts.plot.bar(stacked=True, ax=ax, color=[COLORS[a], "0.6", COLORS[b]], width=0.7, rot=0)
    for i, (_, r) in enumerate(d.iterrows()):
        ratio = r[f"n_{a}_only"] / max(r[f"n_{b}_only"], 1)
        ax.annotate(f"{ratio:.1f}x", (i, parts.iloc[i].sum()), ha="center", va="bottom", fontsize=9)
    years = list(d.index)
    for i, (year, _) in enumerate(sorted((breaks or {}).items()), start=1):
        if year in years:  # bars sit at positions 0..n-1: the break lies between year-1 and year
            pos = years.index(year) - 0.5
            ax.axvline(pos, color="0.4", ls=":", lw=1)
            ax.annotate(f"B{i}", (pos, 1), xycoords=("data", "axes fraction"), ha="center", va="bottom", fontsize=8,
                        color="0.3")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("share of those who answered")
    ax.set_xlabel("")
    ax.set_title(f"{LABELS[a]}-only vs {LABELS[b]}-only users (label: ratio)", pad=14)
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def reweighted_shares(rw: pd.DataFrame, breaks: dict | None = None):
    """Raw (dashed) vs re-weighted to a fixed country x role mix (solid, with 95% interval)."""
    fig, ax = plt.subplots(figsize=(9, 4))
    for fw, s in rw.groupby("framework", sort=False):
        s = s.sort_values("year")
        ax.plot(s["year"], s["raw_share"], ls="--", marker=".", color=COLORS.get(fw), alpha=0.7)
        yerr = [(s["reweighted_share"] - s["reweighted_share_low"]).clip(lower=0),
                (s["reweighted_share_high"] - s["reweighted_share"]).clip(lower=0)]
        ax.errorbar(s["year"], s["reweighted_share"], yerr=yerr, marker="o", capsize=3, color=COLORS.get(fw),
                    label=f"{LABELS.get(fw, fw)} re-weighted")
    if breaks:
        _mark_breaks(ax, breaks)
    ax.set_xticks(sorted(rw["year"].unique()))
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("share of those who answered")
    ax.set_title("Raw (dashed) vs re-weighted to a fixed country x role mix (solid)", pad=14)
    ax.legend(loc="lower left")
    fig.tight_layout()
    return fig


def composition(comp: pd.DataFrame, breaks: dict | None = None):
    """The drifting Kaggle sample: India, United States and students as shares of respondents."""
    fig, ax = plt.subplots(figsize=(9, 3.5))
    if breaks:
        _mark_breaks(ax, breaks)
    for col, name, color in (("india", "India", "#E69F00"), ("united_states", "United States", "#56B4E9"),
                              ("students", "Students*", "#999999")):
        ax.plot(comp["year"], comp[col], marker="o", label=name, color=color)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_title("Who answers the Kaggle survey (share of all respondents)", pad=14)
    ax.legend(loc="upper left")
    ax.annotate("*2017: no 'Student' title; 2022: a yes/no question", (0, -0.18), xycoords="axes fraction", fontsize=8)
    fig.tight_layout()
    return fig


def signal_colour(signal_id: str) -> str:
    """The signal's registered colour (a KeyError for an unregistered signal: nothing is drawn in a default)."""
    return SIGNAL_BY_ID[signal_id].colour


def _ts(period: str) -> pd.Timestamp:
    return pd.Period(period, freq="M").to_timestamp()


def share_family(months: pd.DataFrame, crossovers: pd.DataFrame, title: str, year: int | None = None):
    """PyTorch's monthly share per signal: observed (thin), the model's latent share (thick) with its 95% band,
    the 50% line, crossovers (dotted: median; shaded: 95% interval), documented breaks (grey ticks). A process
    signal (not counted in verdicts) is a thin dashed line without band or crossover."""
    fig, ax = plt.subplots(figsize=(10, 4.3))
    cx = crossovers.set_index("signal_id")
    for sid, s in months.groupby("signal_id", sort=False):
        sig, name = SIGNAL_BY_ID[sid], label(sid)
        x = pd.PeriodIndex(s["month"], freq="M").to_timestamp() + pd.Timedelta(days=14)
        colour = signal_colour(sid)
        if sig.popularity:
            ax.fill_between(x, s["latent_share_low"], s["latent_share_high"], color=colour, alpha=0.15, lw=0)
        if s["latent_share"].notna().any() and not sig.popularity:  # shown, thin and dashed: never counted
            ax.plot(x, s["latent_share"], color=colour, lw=1.2, ls="--", alpha=0.7,
                    label=f"{name} (process, not counted)")
        elif s["latent_share"].notna().any():
            ax.plot(x, s["observed_share"], color=colour, alpha=0.3, lw=0.8)
            ax.plot(x, s["latent_share"], color=colour, lw=2, label=name,
                    marker=sig.marker, markevery=max(len(x) // 8, 1), ms=5)
        else:  # too short for the model: the observed shares themselves, with their counting interval
            ax.plot(x, s["observed_share"], color=colour, lw=1.5, marker=sig.marker, ms=4,
                    label=f"{name} (observed; too short to model)")
        c = cx.loc[sid] if sid in cx.index and sig.popularity else None  # a process signal has no crossover shown
        if c is not None and c["crossover"]:
            ax.axvline(_ts(c["crossover"]), color=colour, lw=1.2, ls=":")
            end = _ts(c["crossover_high"]) + pd.offsets.MonthEnd(0) if c["crossover_high"] else x[-1]
            ax.axvspan(_ts(c["crossover_low"]) if c["crossover_low"] else x[0], end, color=colour, alpha=0.10)
            ax.annotate(f"crossover {c['crossover']}", (_ts(c["crossover"]), 0.52), rotation=90, fontsize=8,
                        color=colour, ha="right", va="bottom")
        starts = s["break_id"].fillna("").astype(str) != "" if "break_id" in s else pd.Series(False, index=s.index)
        for month in s.loc[starts, "month"]:
            ax.annotate("▲", (_ts(month), 0), xycoords=("data", "axes fraction"), ha="center", va="bottom",
                        fontsize=7, color="0.4")
    ax.axhline(0.5, color="0.2", lw=1)
    ax.text(ax.get_xlim()[0], 0.505, " PyTorch ahead ↑", fontsize=8, va="bottom", color="0.3")
    year_band(ax, year)
    ax.plot([], [], color="0.5", lw=6, alpha=0.3, label="95% band")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("PyTorch / (PyTorch + TensorFlow)")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return fig


def year_band(ax, year: int | None) -> None:
    """The year in question behind a time series: a pale band, named in the legend."""
    if year is not None:
        ax.axvspan(pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31"), color=colours.YEAR_BAND, zorder=0,
                   label=f"{year}, the year in question")


def crossover_timeline(crossovers: pd.DataFrame, common: pd.DataFrame | None = None, year: int | None = None):
    """One row per popularity signal on one time axis (process signals are not counted in verdicts and not drawn):
    the crossover (marker) with its 95% interval (bar; an arrow where it runs past the data), or in words what the
    rule found instead (not yet, not decidable yet, ahead since the series began). `common`: the common trend's
    crossover row, drawn first. The legend sits below the axes."""
    c = crossovers[crossovers["is_popularity"].astype(bool)]
    rows = ([(COMMON_TREND_LABEL, common.iloc[0], "#000000", "o")] if common is not None else [])
    rows += [(label(r["signal_id"]), r, signal_colour(r["signal_id"]), SIGNAL_BY_ID[r["signal_id"]].marker)
             for _, r in c.iterrows()]
    fig, ax = plt.subplots(figsize=(10, 0.45 * len(rows) + 2.0), layout="constrained")
    start, end = pd.Timestamp("2016-06-01"), pd.Timestamp("2026-12-31")
    for i, (_, r, colour, marker) in enumerate(rows):
        yearly = r.get("granularity", "month") == "year"
        outcome = r.get("outcome_id") or ""
        text = describe_record(r)
        if outcome == "dated":
            t = pd.Period(r["crossover"], freq="Y" if yearly else "M").to_timestamp()
            if not yearly:
                lo = _ts(r["crossover_low"] or r.get("first_period") or r["crossover"])
                hi = _ts(r["crossover_high"] or r.get("last_period") or r["crossover"])
                ax.plot([lo, hi], [i, i], color=colour, lw=6, alpha=0.35, solid_capstyle="butt")
                if not r["crossover_high"]:
                    ax.annotate("→", (hi, i), va="center", fontsize=10, color="0.3")
            ax.plot([t], [i], marker, color=colour, ms=8)
            ax.annotate(f"  {r['crossover']}", (t, i), va="bottom", fontsize=8)
        elif not r.get("is_modelled", True):
            ax.annotate(f"too short to date ({r['first_period']} to {r['last_period']})", (end, i), ha="right",
                        va="center", fontsize=8, color="0.3")
        else:
            closest = r.get("closest_share", np.nan)
            if outcome == "not_yet" and pd.notna(closest) and r.get("closest_period"):
                text += f" (closest: {closest:.0%} in {r['closest_period']})"
            ax.annotate(text, (end, i), ha="right", va="center", fontsize=8, color="0.3")
    ax.set_yticks(range(len(rows)), [name for name, _, _, _ in rows])
    ax.set_ylim(len(rows) - 0.5, -0.5)  # every row, the last ones holding only words included
    ax.set_xlim(start, end)
    year_band(ax, year)
    ax.plot([], [], "o", color="0.3", label="crossover month (median path)")
    ax.plot([], [], color="0.3", lw=6, alpha=0.35, label="95% interval")
    fig.legend(loc="outside lower center", fontsize=8, ncol=3, frameon=False)  # below the axes, never on them
    ax.set_title("When PyTorch's lead began: the 12-month pooled share above 50% for six windows in a row")
    return fig


def leaders(lead: pd.DataFrame, year: int):
    """PyTorch's share in `year` per signal with its 95% interval; right of 50% = PyTorch ahead."""
    d = lead[lead["pytorch_share"].notna()].iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, 0.5 * len(d) + 1.9), layout="constrained")
    for name in ("PyTorch", "TensorFlow", "too close to call"):  # the two-way outcomes (no JAX in a PyTorch share)
        ax.plot([], [], "o", color=colours.leader(name), ms=8, label=f"{name} ahead" if name != "too close to call" else name)
    ax.plot([], [], color="0.5", lw=5, alpha=0.35, label="95% interval")
    for i, (_, r) in enumerate(d.iterrows()):
        color = colours.leader(r["leader"])
        ax.plot([r["pytorch_share_low"], r["pytorch_share_high"]], [i, i], color=color, lw=5, alpha=0.35,
                solid_capstyle="butt")
        ax.plot([r["pytorch_share"]], [i], "o", color=color, ms=8)
        ax.annotate(f"  {r['pytorch_share']:.0%}", (r["pytorch_share"], i), va="center", fontsize=9)
    ax.axvline(0.5, color="0.2", lw=1)
    ax.set_yticks(range(len(d)), d["signal_id"].map(label))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("PyTorch's share of PyTorch + TensorFlow   (← TensorFlow ahead | PyTorch ahead →)")
    ax.set_title(f"Who led in {year}? PyTorch's share per signal, 95% interval")
    fig.legend(loc="outside lower center", ncol=4, fontsize=8, frameon=False)  # below the axis label, never on it
    return fig


def common_trend(common: pd.DataFrame, signal_months: pd.DataFrame | None = None, year: int | None = None):
    """The common share (black, 95% band) over the popularity signals' latent shares (thin, their colours)."""
    fig, ax = plt.subplots(figsize=(10, 4))
    if signal_months is not None:
        for sid, s in signal_months.groupby("signal_id", sort=False):
            if SIGNAL_BY_ID[sid].popularity:
                ax.plot(_months(s["month"]), s["latent_share"], color=signal_colour(sid), lw=1, alpha=0.5,
                        label=label(s["signal_id"].iloc[0]))
    x = _months(common["month"])
    ax.fill_between(x, common["common_share_low"], common["common_share_high"], color="0.3", alpha=0.25, lw=0,
                    label="common trend, 95% band")
    ax.plot(x, common["common_share"], color="black", lw=2.2, label="common trend (a typical signal)")
    ax.axhline(0.5, color="0.2", lw=1)
    if year is not None:
        ax.axvspan(pd.Timestamp(f"{year}-01-01"), pd.Timestamp(f"{year}-12-31"), color="0.85", alpha=0.5, zorder=0)
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("PyTorch's share")
    ax.set_title("The movement the signals share: a common trend with each signal's own offset")
    ax.legend(loc="upper left", fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


def leaders_by_year(by_year: pd.DataFrame, common: pd.DataFrame | None = None):
    """Signal x year, each cell coloured by who led (the reports' colours: PyTorch, TensorFlow, too close to call;
    white: not covered), PyTorch's share printed in it, and a part year marked with its months. Rows in the table's
    order; the last row is the trend all signals share (`common`: common_trend_years)."""
    from matplotlib.patches import Patch

    from ..stats.signal_results import leader  # the rule that names a leader (loaded only for this chart)
    rows = [(sid, label(sid)) for sid in dict.fromkeys(by_year["signal_id"])]
    years = sorted(by_year["year"].unique())
    cells = {(r.signal_id, r.year): r for r in by_year.itertuples()}
    if common is not None:
        rows.append(("common_trend", COMMON_TREND_LABEL))
        for r in common.itertuples():
            lead = leader(r.common_share_low, r.common_share_high)
            cells[("common_trend", r.year)] = pd.Series({"leader": lead, "pytorch_share": r.common_share,
                                                          "n_months": r.n_months})
    fig, ax = plt.subplots(figsize=(11, 0.5 * len(rows) + 2.2), layout="constrained")
    rgb = np.ones((len(rows), len(years), 3))
    for i, (sid, _) in enumerate(rows):
        for j, y in enumerate(years):
            c = cells.get((sid, y))
            share = getattr(c, "pytorch_share", np.nan) if c is not None else np.nan
            colour = colours.leader(c.leader) if c is not None and pd.notna(share) else colours.NOT_COVERED
            rgb[i, j] = matplotlib.colors.to_rgb(colour)
            if pd.isna(share):
                ax.add_patch(matplotlib.patches.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, hatch="///",
                                                          edgecolor="0.85", lw=0))
                continue
            months = int(c.n_months) if pd.notna(c.n_months) else 12
            text = f"{share:.0%}" + (f"\n{months} of 12 mo" if 0 < months < 12 else "")
            dark = colour in (colours.PYTORCH, colours.TENSORFLOW)
            ax.text(j, i, text, ha="center", va="center", fontsize=8 if months < 12 else 9,
                    color="white" if dark else "black", fontweight="bold" if months == 12 else "normal")
    ax.imshow(rgb, aspect="auto")
    ax.set_xticks(range(len(years)), [str(y) for y in years])
    ax.set_yticks(range(len(rows)), [label for _, label in rows])
    ax.set_xticks(np.arange(-0.5, len(years)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="white", lw=2)
    ax.grid(which="major", visible=False)
    ax.tick_params(which="minor", length=0)
    handles = [Patch(facecolor=colours.PYTORCH, label="PyTorch ahead"), Patch(facecolor=colours.TENSORFLOW,
               label="TensorFlow ahead"), Patch(facecolor=colours.TOO_CLOSE, label="too close to call"),
               Patch(facecolor="white", edgecolor="0.6", hatch="///", label="not covered")]
    fig.legend(handles=handles, loc="outside lower center", ncol=4, frameon=False, fontsize=9)
    ax.set_title("Who led, by year and signal: colour = the leader named by a 95% interval; number = PyTorch's share")
    return fig


def _months(index) -> pd.DatetimeIndex:
    return pd.PeriodIndex(list(index), freq="M").to_timestamp()


def tag_counts(digitised: pd.DataFrame, title: str, start: str = "2015-01"):
    """Questions per month for each framework tag (Stack Overflow, as read back from the charts)."""
    tags = ["tensorflow", "pytorch", "keras", "scikit-learn"]
    wide = digitised.pivot(index="month", columns="tag", values="n_questions").loc[start:, tags]
    fig, ax = plt.subplots(figsize=(10, 4))
    for tag in tags:
        ax.plot(_months(wide.index), wide[tag], color=COLORS[tag], label=LABELS[tag])
    ax.set_ylabel("questions per month")
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def counts(rows: pd.DataFrame, metric: str, title: str, excluded=()):
    """Monthly counts of one metric per framework, a month without data left blank (not joined across); a dotted
    line where values stop being counts (net changes); `excluded` breaks (registry `Break`s) shaded."""
    d = rows[rows["metric"] == metric]
    wide = d.pivot(index="month", columns="framework", values="value")
    wide = wide.reindex(pd.period_range(wide.index.min(), wide.index.max(), freq="M").astype(str))
    fig, ax = plt.subplots(figsize=(10, 4))
    for fw in wide.columns:
        ax.plot(_months(wide.index), wide[fw], color=COLORS.get(fw), label=LABELS.get(fw, fw), marker=".", ms=3)
    if "is_net_change" in d and d["is_net_change"].any():
        ax.axvline(pd.Period(d.loc[d["is_net_change"], "month"].min(), freq="M").to_timestamp(), color="0.5", ls=":")
    for b in excluded:
        ax.axvspan(pd.Period(b.start, freq="M").to_timestamp(), (pd.Period(b.end or b.start, freq="M") + 1).to_timestamp(),
                   color="0.88", zorder=0)
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def cross_check(table: pd.DataFrame, columns: dict[str, str], title: str):
    """Two (or more) readings of one share per month, in percent: `columns` maps a column of `table` to its label."""
    fig, ax = plt.subplots(figsize=(10, 3.6))
    x = _months(table["month"])
    for (col, name), style in zip(columns.items(), ("-", "--", ":"), strict=False):
        ax.plot(x, 100 * table[col], ls=style, color="0.2", marker=".", ms=4, label=name)
    ax.axhline(50, color="0.6", lw=0.8)
    ax.set_ylabel("torch's share, %")
    ax.set_title(title)
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def pypi_families(fam: pd.DataFrame, breaks=()):
    """torch vs the TensorFlow packages, downloads per snapshot window (millions), counting breaks dotted."""
    fig, ax = plt.subplots(figsize=(10, 4))
    x = _months(fam.index)
    ax.plot(x, fam["torch"] / 1e6, color=COLORS["pytorch"], label="torch")
    ax.plot(x, fam["tensorflow_family"] / 1e6, color=COLORS["tensorflow"], label="tensorflow (+ -gpu, -cpu)")
    for b in breaks:
        ax.axvline(pd.Period(b.start, freq="M").to_timestamp(), color="0.5", ls=":")
        if b.end:
            ax.axvspan(pd.Period(b.start, freq="M").to_timestamp(), pd.Period(b.end, freq="M").to_timestamp(),
                       color="0.85", zorder=0)
    ax.set_ylabel("millions")
    ax.set_title("PyPI: downloads per snapshot window (dotted: counting changes; shaded: documented dip)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def interest(rows: pd.DataFrame, facts: pd.DataFrame):
    """Google Trends interest per term (the complete months; points marked when there are few)."""
    wide = rows.pivot(index="month", columns="framework", values="value")
    fig, ax = plt.subplots(figsize=(10, 4))
    for term in wide.columns:
        ax.plot(_months(wide.index), wide[term], color=COLORS.get(term), label=LABELS.get(term, term),
                marker="o" if len(wide) < 24 else None, ms=4)
    f = facts.iloc[0]
    ax.set_ylabel("interest (0-100, one request)")
    ax.set_title(f"Google Trends interest ({f['geo']}, {f['resolution']} values, monthly)")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def calibration(table: pd.DataFrame):
    """Every checked interval as a point: its simulated coverage against its width over the oracle width (log scale),
    one marker per kind of interval; the pass region (coverage >= 90%, width <= 2.5 x the oracle) unshaded."""
    from ..stats.calibration import TARGET, WIDTH_MAX, WIDTH_MEDIAN
    t = table[np.isfinite(table["width_ratio"]) & (table["width_ratio"] > 0)]
    fig, ax = plt.subplots(figsize=(9, 5.2))
    markers = dict(zip(t["method"].unique(), itertools.cycle("osD^v<>pXP*h8H"), strict=False))
    for method, g in t.groupby("method", sort=False):
        bad = (g["coverage_share"] < TARGET) | (g["width_ratio"] > WIDTH_MAX)
        ax.scatter(g["width_ratio"], g["coverage_share"], marker=markers[method], s=22, facecolors="none",
                   edgecolors=np.where(bad, "#D55E00", "0.25"), label=method, linewidths=0.9)
    ax.set_xscale("log")
    ax.axhspan(0, TARGET, color="#D55E00", alpha=0.07, lw=0)
    ax.axvspan(WIDTH_MAX, max(WIDTH_MAX * 2, float(t["width_ratio"].max()) * 1.2), color="#D55E00", alpha=0.07, lw=0)
    ax.axhline(0.95, color="0.2", lw=0.8)
    ax.axvline(1.0, color="0.2", lw=0.8)
    ax.axvline(WIDTH_MEDIAN, color="0.5", lw=0.8, ls=":")
    ax.set_ylim(max(0.5, float(t["coverage_share"].min()) - 0.03), 1.005)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("interval width / oracle width (log; 1 = as narrow as the estimator's real error allows; "
                  f"dotted: the median's limit {WIDTH_MEDIAN})", fontsize=8)
    ax.set_ylabel("simulated coverage of the nominal 95% interval")
    ax.set_title("Do the intervals keep their promise? (shaded: fails the pass mark; orange outline: a failing cell)",
                 fontsize=9)
    ax.legend(fontsize=7, loc="lower right", frameon=False)
    fig.tight_layout()
    return fig


def contenders(by_year: pd.DataFrame):
    """Each contender's pooled share by year (95% interval as a bar), one panel per signal that counts JAX, in the
    reports' colours (PyTorch, TensorFlow, JAX)."""
    signals = list(dict.fromkeys(by_year["signal_id"]))
    fig, axes = plt.subplots(1, max(len(signals), 1), figsize=(5 * max(len(signals), 1), 3.8), squeeze=False,
                             sharey=True, layout="constrained")
    for ax, sid in zip(axes[0], signals, strict=False):
        d = by_year[by_year["signal_id"] == sid]
        years = pd.RangeIndex(int(d["year"].min()), int(d["year"].max()) + 1, name="year")
        for k, (fw, g) in enumerate(d.groupby("framework", sort=False)):
            g = g.set_index("year").reindex(years).reset_index()  # a year without data: a gap, not a line across
            x = g["year"] + (k - 1) * 0.12
            ax.errorbar(x, g["framework_share"], yerr=[g["framework_share"] - g["framework_share_low"],
                                                      g["framework_share_high"] - g["framework_share"]],
                        color=COLORS[fw], marker="o", ms=4, capsize=2, lw=1.5, label=LABELS[fw])
        ax.set_title(label(sid), fontsize=10)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
        ax.set_ylim(0, 1)
        ax.set_xticks(sorted(d["year"].unique()))
    axes[0][0].set_ylabel("share of the three (the year's counts)")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="outside lower center", ncol=3, frameon=False)
    return fig
