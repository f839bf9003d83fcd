#!/usr/bin/env python
"""Run Django management commands for the example catalog project.

Run it from the repository root: ``python example_project/manage.py migrate``.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "example.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
