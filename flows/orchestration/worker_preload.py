"""Imported by the worker pool's fork server (flows/orchestration/pool.py): warm what a document needs.

Every worker is forked from the fork server after this import, so it starts with the stages imported,
jieba's dictionary and the fonts loaded and every first-use cost paid. `gc.freeze` keeps the workers'
garbage collector off these objects, so the pages stay shared instead of being copied into each worker.
"""

from __future__ import annotations

import gc

gc.disable()  # no collections while loading: freed holes in these pages would be written to in the workers

import logging  # noqa: E402

from flows.config import Settings  # noqa: E402
from flows.engine.warm import prime  # noqa: E402

try:
    prime(Settings())
except Exception:  # a worker's first document meets the problem again and reports it
    logging.getLogger(__name__).debug("worker warm-up failed", exc_info=True)
gc.freeze()
