"""What readers see: the claims and their scorecard, the year's verdict, charts, display tables, the index."""
