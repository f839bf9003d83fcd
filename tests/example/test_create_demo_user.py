"""The ``create_demo_user`` command that ``make demo`` runs."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def create_demo_user(*arguments: str) -> str:
    stdout = io.StringIO()
    call_command("create_demo_user", *arguments, stdout=stdout)
    return stdout.getvalue()


def test_demo_user_created():
    output = create_demo_user("--username", "demo", "--password", "demo-pass-123")

    assert "created user 'demo'" in output
    assert authenticate(username="demo", password="demo-pass-123") is not None


def test_demo_user_password_reset():
    user = get_user_model().objects.create_user("demo", password="old-password", is_active=False)

    output = create_demo_user("--password", "demo-pass-123")

    assert "updated user 'demo'" in output
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password("demo-pass-123")
    assert get_user_model().objects.filter(username="demo").count() == 1


def test_staff_demo_user():
    create_demo_user("--username", "demo-admin", "--password", "demo-pass-123", "--staff")
    create_demo_user("--username", "demo", "--password", "demo-pass-123")

    assert get_user_model().objects.get(username="demo-admin").is_staff
    assert not get_user_model().objects.get(username="demo").is_staff
