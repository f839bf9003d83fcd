"""The BlacklistedToken model, its migration and the cleanup command."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from restflow.authentication.models import BlacklistedToken
from tests.unit.authentication.conftest import run

pytestmark = pytest.mark.django_db


def make(jti: str, seconds: int) -> BlacklistedToken:
    return BlacklistedToken.objects.create(
        jti=jti, expires_at=timezone.now() + timedelta(seconds=seconds)
    )


def test_str_names_jti():
    row = make("abc", 60)
    assert str(row).startswith("BlacklistedToken(jti='abc', expires_at=")


def test_cleanup_expired():
    make("old", -60)
    make("new", 60)
    assert BlacklistedToken.cleanup_expired() == 1
    assert list(BlacklistedToken.objects.values_list("jti", flat=True)) == ["new"]


def test_acleanup_expired():
    make("old", -60)
    assert run(BlacklistedToken.acleanup_expired) == 1
    assert BlacklistedToken.objects.count() == 0


def test_migrations_match_model():
    out = StringIO()
    call_command("makemigrations", "restflow_authentication", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_delete_expired_command(jwt_settings):
    jwt_settings(BLACKLIST_BACKEND="model")
    make("old", -60)
    make("new", 60)
    out = StringIO()
    call_command("delete_expired_blacklist", stdout=out)
    assert "Deleted 1 expired blacklist record(s)" in out.getvalue()
    assert BlacklistedToken.objects.count() == 1


def test_delete_expired_command_on_cache_store(jwt_settings):
    out = StringIO()
    call_command("delete_expired_blacklist", stdout=out)
    assert "Deleted 0" in out.getvalue()
