"""Django test case classes whose ``self.client`` is an :class:`AsyncAPIClient`."""

from __future__ import annotations

from django import test as django_test

from restflow.test.client import AsyncAPIClient

__all__ = [
    "AsyncAPILiveServerTestCase",
    "AsyncAPISimpleTestCase",
    "AsyncAPITestCase",
    "AsyncAPITransactionTestCase",
]


class AsyncAPISimpleTestCase(django_test.SimpleTestCase):
    """``SimpleTestCase`` with an async API client (await every ``self.client`` call)."""

    client_class = AsyncAPIClient  # type: ignore[assignment]


class AsyncAPITransactionTestCase(django_test.TransactionTestCase):
    """``TransactionTestCase`` with an async API client; on-commit hooks run for real."""

    client_class = AsyncAPIClient  # type: ignore[assignment]


class AsyncAPITestCase(django_test.TestCase):
    """``TestCase`` with an async API client; each test runs in a rolled-back transaction.

    Signal-driven cache invalidation runs on commit: wrap the write in
    ``self.captureOnCommitCallbacks(execute=True)`` or use the transaction test case.
    """

    client_class = AsyncAPIClient  # type: ignore[assignment]


class AsyncAPILiveServerTestCase(django_test.LiveServerTestCase):
    """``LiveServerTestCase`` with an async API client for ``self.live_server_url``."""

    client_class = AsyncAPIClient  # type: ignore[assignment]
