"""What readers see.

- `claims` — each claim's test and verdict. `scorecard` — the claims table and its robustness (step 35).
- `verdict` — the year's verdict page and the all-years overview (steps 40, 50). `index` — reports/html/index.html.
- `plots` — the charts. `styled` — display tables (ids shown as labels). `colours` — the one colour language.
- `notebook` — what every notebook does first.
"""
