"""The dashboards keep no tables of their own: suggestion figures are counters kept by
:mod:`suggestions.counters` with every change, the rest is counted on each page."""
