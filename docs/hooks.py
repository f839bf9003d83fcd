"""MkDocs hooks: make the project importable for mkdocstrings.

mkdocstrings reads most modules from source, but any object it has to
inspect at runtime imports restflow, which needs configured Django settings.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def on_startup(**kwargs: Any) -> None:
    """Put the repository and the example project on sys.path and set up Django."""
    for entry in (ROOT, ROOT / "example_project"):
        if str(entry) not in sys.path:
            sys.path.insert(0, str(entry))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")

    import django

    django.setup()
