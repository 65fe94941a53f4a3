"""``pgarch-lint plan``: the lock plan of a migration, statement by statement.

For each statement of each file, in order: the locks it takes (mode, relation, what they block),
what it does to the rows (rewrite, scan, index build, catalog only), the transaction it runs in
and until when its locks are held; per file, the strongest lock and the longest window during
which a table cannot be written (or read). With ``--dsn``: relation sizes and rough duration
ranges. The locks come from :mod:`pgarch_lint.locks` (the table the rules and ``verify`` use)
through the engine; the transaction from :mod:`pgarch_lint.transaction`.

==============  ==============================================================================
module          holds
==============  ==============================================================================
``model``       the plan's dataclasses and its JSON (``docs/plan.md``)
``build``       running the engine and collecting the steps; windows; estimates
``render``      the text table and the Markdown for pull-request comments
==============  ==============================================================================
"""

from __future__ import annotations

from pgarch_lint.plan.build import build_plans
from pgarch_lint.plan.model import FilePlan, plan_json

__all__ = ["FilePlan", "build_plans", "plan_json"]
