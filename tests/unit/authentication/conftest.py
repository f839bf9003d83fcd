"""Fixtures for the authentication tests: JWT settings, keys, users and request builders."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from restflow.registry import JWT_BLACKLIST_STORES

HMAC_SECRET = "test-signing-secret-" + "x" * 48
PASSWORD = "correct horse battery"


def jwt_config(**overrides: Any) -> dict[str, Any]:
    """Return a ``RESTFLOW_SETTINGS`` dict with a usable HMAC key plus ``overrides``."""
    base: dict[str, Any] = {"SIGNING_KEY": HMAC_SECRET, "BLACKLIST_ALLOW_LOCMEM": True}
    base.update(overrides)
    return {"JWT": base}


@pytest.fixture
def jwt_settings(settings: Any) -> Iterator[Callable[..., Any]]:
    """Apply JWT settings for the rest of the test: ``jwt_settings(ALGORITHM="RS256", ...)``.

    Each call replaces the previous JWT settings and leaves other changes made
    through pytest-django's ``settings`` fixture in place.
    """

    def apply(**overrides: Any) -> None:
        JWT_BLACKLIST_STORES.reset()
        settings.RESTFLOW_SETTINGS = jwt_config(**overrides)

    apply()
    yield apply
    JWT_BLACKLIST_STORES.reset()


def _pem_pair() -> tuple[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public_pem = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return private_pem, public_pem


@pytest.fixture(scope="session")
def rsa_keys() -> tuple[str, str]:
    """A 2048-bit RSA key pair as (private PEM, public PEM)."""
    return _pem_pair()


@pytest.fixture(scope="session")
def other_rsa_keys() -> tuple[str, str]:
    """A second, unrelated RSA key pair."""
    return _pem_pair()


@pytest.fixture
def user(db: Any) -> Any:
    return get_user_model().objects.create_user(username="alice", password=PASSWORD)


@pytest.fixture
def make_request() -> Callable[..., Request]:
    """Build a DRF request with an optional ``Authorization`` header."""
    factory = APIRequestFactory()

    def build(
        authorization: str | bytes | None = None, method: str = "get", **extra: Any
    ) -> Request:
        if authorization is not None:
            extra["HTTP_AUTHORIZATION"] = authorization
        return Request(getattr(factory, method)("/", **extra))

    return build


def run(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run an async callable from a sync test, on the test's thread and database connection."""
    return async_to_sync(function)(*args, **kwargs)


def unique_prefix(name: str) -> str:
    return f"restflow-test-{os.getpid()}-{name}:"
