"""The line classifier: which lines (blocks) of a page's text are article text.

- ``profile``: each line's context-free profile, one numpy pass over the page;
- ``hashing``: the polynomial hash that tokens and lines are compared by, and the stop words
  (``stopwords.txt``);
- ``model``: the two-stage logistic model whose weights ``bench/fit_classifier.py`` writes to
  ``weights.json``, and the boosted trees stage 2 adds to it (``trees.json``);
- ``stats``: how many documents of the archive hold each line (``LineStats``).
"""

from archive_search.cleaning.lines.model import (
    THRESHOLD,
    LineMemo,
    Trees,
    Weights,
    feature_count,
    keep_mask,
    line_features,
    scores,
    shipped_trees,
    shipped_weights,
    stage1_scores,
    stage2_features,
    stage2_inputs,
    write_trees,
    write_weights,
)
from archive_search.cleaning.lines.profile import line_keys, line_lengths
from archive_search.cleaning.lines.stats import MIN_DOCUMENTS, LineStats

__all__ = [
    "MIN_DOCUMENTS",
    "THRESHOLD",
    "LineMemo",
    "LineStats",
    "Trees",
    "Weights",
    "feature_count",
    "keep_mask",
    "line_features",
    "line_keys",
    "line_lengths",
    "scores",
    "shipped_trees",
    "shipped_weights",
    "stage1_scores",
    "stage2_features",
    "stage2_inputs",
    "write_trees",
    "write_weights",
]
