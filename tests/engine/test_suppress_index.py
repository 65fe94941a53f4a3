"""Suppressions.suppresses looks directives up by bisection: it must answer (and mark directives
used) exactly like checking every directive, for any directives, targets and offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pgarch_lint.suppress import Directive, Suppressions

RULES = ("a", "b", "c")

directive = st.builds(
    lambda wide, names, target: Directive(
        0, 1, wide, tuple(names), False, None if wide else target
    ),
    st.booleans(),
    st.lists(st.sampled_from(RULES), max_size=2, unique=True),
    st.one_of(
        st.none(),
        st.tuples(st.integers(0, 60), st.integers(0, 30)).map(lambda t: (t[0], t[0] + t[1])),
    ),
)


def naive(directives: list[Directive], rule: str, offset: int) -> tuple[bool, list[bool]]:
    hit = False
    used = [d.used for d in directives]
    for i, d in enumerate(directives):
        if d.names and rule not in d.names:
            continue
        if d.file_wide or (d.target is not None and d.target[0] <= offset <= d.target[1]):
            used[i] = True
            hit = True
    return hit, used


@settings(max_examples=300, deadline=None)
@given(
    st.lists(directive, max_size=12),
    st.lists(st.tuples(st.sampled_from(RULES), st.integers(-2, 95)), max_size=15),
)
def test_indexed_lookup_matches_a_scan(
    directives: list[Directive], queries: list[tuple[str, int]]
) -> None:
    sup = Suppressions(directives)
    for rule, offset in queries:
        want_hit, want_used = naive(directives, rule, offset)
        assert sup.suppresses(rule, offset) == want_hit
        assert [d.used for d in directives] == want_used


def test_many_statement_directives() -> None:
    ds = [Directive(0, 1, False, ("a",), False, (i * 10, i * 10 + 5)) for i in range(1000)]
    sup = Suppressions(ds)
    assert sup.suppresses("a", 5005) and ds[500].used and sum(d.used for d in ds) == 1
    assert not sup.suppresses("a", 5007) and not sup.suppresses("b", 5001)
