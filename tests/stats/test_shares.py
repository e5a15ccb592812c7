"""PyTorch's monthly share per signal from monthly_signals rows (stats.shares), against hand counts."""
import pandas as pd

from helpers.registry.signals import SIGNAL_BY_ID
from helpers.stats import shares


def test_share_is_pt_over_pt_plus_tf_from_pytorchs_first_month():
    ms = pd.DataFrame({"source_id": "github", "metric": "new_stars",
                       "framework": ["tensorflow"] * 3 + ["pytorch"] * 3,
                       "month": ["2020-01", "2020-02", "2020-03"] * 2, "value": [10.0, 10.0, 10.0, 0.0, 5.0, 30.0],
                       "break_id": "", "break_kind": ""})
    sig = SIGNAL_BY_ID["github_stars"]
    s = shares.share(ms, sig)
    assert list(s["month"]) == ["2020-02", "2020-03"] and list(s["share"]) == [5 / 15, 30 / 40]
    assert list(s["break_id"]) == ["", ""]
