"""The public names of restflow.authentication."""

from __future__ import annotations

import pytest

import restflow.authentication as package


def test_all_is_sorted_and_resolves():
    assert package.__all__ == sorted(package.__all__)
    for name in package.__all__:
        assert getattr(package, name) is not None


def test_names_come_from_their_modules():
    from restflow.authentication.jwt_authentication import JWTAuthentication

    assert package.JWTAuthentication is JWTAuthentication


def test_unknown_name():
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        package.Nope  # noqa: B018
