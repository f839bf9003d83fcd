"""``create_demo_user``: create or reset the login used to try the example API."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Create a user with the given username and password, or reset the password "
        "of an existing one. Meant for the local demo only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo", help="login name (default demo)")
        parser.add_argument("--password", required=True, help="password to set")
        parser.add_argument(
            "--staff", action="store_true", help="make the user staff (staff may delete products)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user, created = get_user_model().objects.get_or_create(username=options["username"])
        user.set_password(options["password"])
        user.is_active = True
        if options["staff"]:
            user.is_staff = True
        user.save()
        action = "created" if created else "updated"
        self.stdout.write(f"create_demo_user: {action} user {user.get_username()!r}.")
