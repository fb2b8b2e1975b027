"""Normalize raw Chinese drafts and official texts (spec: shared/spec/normalization.md, R1-R14; the
rules as this project applies them, and what is never changed: docs/normalization.md).

One module per rule group (protect, widths, numbering, punctuation, marks, spacing with agencies,
dates) and the ordered pipeline in `pipeline.RULES`.
"""

from .pipeline import RULES, normalize

__all__ = ["RULES", "normalize"]
