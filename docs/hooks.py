"""MkDocs hooks: make the project importable for mkdocstrings.

mkdocstrings reads most modules from source, but any object it has to
inspect at runtime imports restflow, which needs configured Django settings.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

# Docstrings use Sphinx roles (":class:`x`"), which Markdown renders as the
# role text followed by code. The hook drops the role and links dotted names.
SPHINX_ROLE = re.compile(
    r":(?:class|meth|func|attr|mod|data|exc|obj):<code>~?(?P<name>[\w.]+)</code>"
)


def on_startup(**kwargs: Any) -> None:
    """Put the repository and the example project on sys.path and set up Django."""
    for entry in (ROOT, ROOT / "example_project"):
        if str(entry) not in sys.path:
            sys.path.insert(0, str(entry))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "conf.settings")

    import django

    django.setup()


def _link_role(match: re.Match[str]) -> str:
    name = match["name"]
    if "." not in name:
        return f"<code>{name}</code>"
    # mkdocs-autorefs resolves this after every page is rendered; "optional"
    # leaves a name without a documented target as plain code, with no warning.
    return f'<autoref identifier="{name}" optional><code>{name}</code></autoref>'


def on_page_content(html: str, **kwargs: Any) -> str:
    """Replace Sphinx roles left in rendered docstrings by code or a cross-reference."""
    return SPHINX_ROLE.sub(_link_role, html)
