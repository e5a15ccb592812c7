"""The verdict page's "And JAX?" line on small hand-made tables: the wording fits the number of signals."""
import pandas as pd

from helpers.registry.signals import label
from helpers.report import verdict

PYPI, DEPENDENTS = "pypi_downloads", "github_dependents"  # signal ids


def jax_rows(year: int, *signals: tuple[str, float, float]) -> pd.DataFrame:
    """contenders_by_year rows of JAX: (signal id, share, P(JAX ahead of TensorFlow))."""
    return pd.DataFrame([{"signal_id": s, "year": year, "framework": "jax", "framework_share": share,
                          "framework_share_low": share - 0.01, "framework_share_high": share + 0.01,
                          "ahead_of_tensorflow_prob": p} for s, share, p in signals])


def crossing_rows(*signals: tuple[str, str]) -> pd.DataFrame:
    return pd.DataFrame([{"signal_id": s, "framework": "jax", "outcome_id": "not_yet", "summary": text}
                         for s, text in signals])


def test_one_signal_is_not_called_every_one():
    line = verdict.jax_line(2026, jax_rows(2026, (PYPI, 0.147, 0.0)), crossing_rows())
    assert line == f"JAX's share of the three in 2026: {label(PYPI)} 14.7% [13.7%, 15.7%] — behind TensorFlow."


def test_two_signals_both_behind_and_each_crossing_quoted():
    line = verdict.jax_line(2021, jax_rows(2021, (PYPI, 0.067, 0.0), (DEPENDENTS, 0.016, 0.01)),
                            crossing_rows((PYPI, "not yet"), (DEPENDENTS, "2027-03 [2026-11, 2027-08]")))
    assert "— behind TensorFlow on both signals." in line
    assert line.endswith(f"(the crossover rule): {label(PYPI)} not yet; {label(DEPENDENTS)} 2027-03 [2026-11, 2027-08].")


def test_signals_that_disagree_are_counted_apart():
    line = verdict.jax_line(2030, jax_rows(2030, (PYPI, 0.30, 0.99), (DEPENDENTS, 0.25, 0.5)), crossing_rows())
    assert "— ahead of TensorFlow on 1 of 2, too close to call against TensorFlow on 1 of 2." in line


def test_a_year_no_signal_counts_says_which_years_are_counted():
    line = verdict.jax_line(2017, jax_rows(2021, (PYPI, 0.067, 0.0)), crossing_rows())
    assert line == f"No signal counts JAX in 2017 (three-way: {label(PYPI)} 2021-2021)."


def test_the_three_way_table_prints_a_near_census_share_once_and_names_the_contenders():
    three = jax_rows(2026, (PYPI, 0.147, 0.0)).assign(framework_share_low=0.14695, framework_share_high=0.14705,
                                                      lead_prob=0.0, n_months=3)
    shown = verdict.contenders_display(three).iloc[0]
    assert shown["contender"] == "JAX" and shown["share of the three, 95% interval"] == "14.7%, counted: ±<0.1 pp"


def test_tables_show_framework_ids_by_name():
    from helpers.report import styled
    shown = styled.with_labels(pd.DataFrame({"framework": ["pytorch", "jax", "tensorflow-gpu"],
                                             "first_framework": ["tensorflow"] * 3}))
    assert list(shown["framework"]) == ["PyTorch", "JAX", "tensorflow-gpu"] and set(shown["first_framework"]) == {"TensorFlow"}
