"""Test support for async API views: clients, request factory and test case classes."""

from __future__ import annotations

from restflow.test.client import AsyncAPIClient, AsyncAPIRequestFactory, force_authenticate
from restflow.test.testcases import (
    AsyncAPILiveServerTestCase,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
)

__all__ = [
    "AsyncAPIClient",
    "AsyncAPILiveServerTestCase",
    "AsyncAPIRequestFactory",
    "AsyncAPISimpleTestCase",
    "AsyncAPITestCase",
    "AsyncAPITransactionTestCase",
    "force_authenticate",
]
