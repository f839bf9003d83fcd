"""Hypothesis: ``and_all`` builds exactly the ``Q`` that reducing with ``&`` builds."""

from __future__ import annotations

import functools
import operator

from django.db.models import Q
from hypothesis import given
from hypothesis import strategies as st

from restflow.filters.filterset import and_all

leaves = st.tuples(st.sampled_from(["price", "name", "stock__gte", "in_stock"]), st.integers(0, 3))


def nodes(children):
    return st.builds(
        lambda items, connector, negated: Q(*items, _connector=connector, _negated=negated),
        st.lists(children, max_size=3),
        st.sampled_from([Q.AND, Q.OR, Q.XOR]),
        st.booleans(),
    )


conditions = st.recursive(leaves.map(lambda leaf: Q(leaf)), nodes, max_leaves=6)


@given(st.lists(conditions, min_size=1, max_size=6))
def test_and_all_equals_reduce(items):
    expected = functools.reduce(operator.and_, items)
    result = and_all(list(items))
    assert result == expected
    assert type(result) is type(expected)
    assert result.connector == expected.connector
    assert result.negated == expected.negated
    assert repr(result) == repr(expected)


def test_leaves_are_squashed_and_negations_nested():
    negated = ~Q(price=1)
    result = and_all([Q(name="a"), negated, Q(stock__gte=2) | Q(stock=0)])
    assert result.children[0] == ("name", "a")
    assert result.children[1] is negated
    assert result.connector == Q.AND
