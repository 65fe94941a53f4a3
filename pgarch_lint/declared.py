"""Moved to :mod:`pgarch_lint.catalog.declared` (rule packs: ``pgarch_lint.api.declared``).

This module re-exports its public names so that imports written against the old path keep
working while the branches of the architecture step are merged; import the new path.
"""

from pgarch_lint.catalog.declared import *  # noqa: F403
