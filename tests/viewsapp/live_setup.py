"""Migrate the live-test database and create its users and catalog rows.

Run as ``python -m tests.viewsapp.live_setup`` with ``DJANGO_SETTINGS_MODULE``
set to ``tests.viewsapp.live_settings``.
"""

from __future__ import annotations

import django


def main() -> None:
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from tests.viewsapp.support import make_catalog

    call_command("migrate", verbosity=0)
    User.objects.create_user("owner", password="owner-pw")
    User.objects.create_user("other", password="other-pw")
    User.objects.create_user("admin", password="admin-pw", is_staff=True)
    make_catalog(products=7, reviews_per_product=3)


if __name__ == "__main__":
    main()
