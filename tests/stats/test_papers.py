"""Conference papers analysed (stats.papers) against hand counts, scipy's binomial test and the Wilson formula."""
import pandas as pd
import pytest
from scipy.stats import binomtest

from helpers.stats import papers

PAPERS = pd.DataFrame({"conference": ["ICLR", "ICLR", "CVPR"], "year": [2019, 2021, 2019],
                       "n_pytorch_papers": [86, 30, 3], "n_tensorflow_papers": [86, 10, 1],
                       "n_papers": [502, 3012, 1294], "papers_are": ["accepted", "submissions", "accepted"]})


def test_pooled_shares_with_and_without_submissions():
    pooled = papers.pooled_by_year(PAPERS).set_index(["papers", "year"])
    assert pooled.loc[("accepted only", 2019), "pytorch_share"] == pytest.approx(89 / 176)
    assert pooled.loc[("all rows", 2021), "pytorch_share"] == pytest.approx(30 / 40)
    assert ("accepted only", 2021) not in pooled.index
    # Wilson 95% for 89 of 176, by hand: centre (k + z^2/2) / (n + z^2), half-width z sqrt(pq/n + z^2/4n^2) / (1 + z^2/n)
    z, k, n = 1.959963984540054, 89, 176
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * ((p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5) / (1 + z * z / n)
    row = pooled.loc[("accepted only", 2019)]
    assert (row["pytorch_share_low"], row["pytorch_share_high"]) == (pytest.approx(centre - half), pytest.approx(centre + half))


def test_majority_test_per_conference_is_scipys_one_sided_binomial():
    mt = papers.majority_test(PAPERS, 2019).set_index("conference")
    assert mt.loc["ICLR", "p_majority"] == pytest.approx(binomtest(86, 172, 0.5, alternative="greater").pvalue)
    assert mt.loc["CVPR", "pytorch_share"] == 0.75 and mt.loc["ICLR", "p_majority"] > 0.5
