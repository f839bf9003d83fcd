"""Fixtures shared by the view, pagination, permission and test-client tests."""

from tests.viewsapp.support import hops  # noqa: F401
