"""Check that the defaults in docs/reference/settings.md match restflow.settings.SCHEMA.

tests/unit/test_settings.py checks that the page lists every key; this
checks the value the page gives as each key's default.
"""

from __future__ import annotations

import re
from datetime import timedelta

from restflow.settings import SCHEMA, Section
from tests.docs.samples import DOCS

PAGE = DOCS / "reference" / "settings.md"
HEADING = re.compile(r"^#+ `(?P<path>[\w.]+)`\s*$")
ROW = re.compile(r"^\| `(?P<key>\w+)` \| `(?P<default>[^|]*)` \|")


def documented_defaults() -> dict[tuple[str, ...], str]:
    """Map each key path under a section heading to the default cell of its row."""
    defaults: dict[tuple[str, ...], str] = {}
    section: tuple[str, ...] | None = None
    for line in PAGE.read_text().splitlines():
        heading = HEADING.match(line)
        if heading:
            section = tuple(heading["path"].split("."))
            continue
        if line.startswith("#"):
            section = None
            continue
        row = ROW.match(line)
        if row and section is not None:
            defaults[(*section, row["key"])] = row["default"]
    return defaults


def schema_defaults(section: Section, prefix: tuple[str, ...] = ()):
    for name, item in section.keys.items():
        path = (*prefix, name)
        if isinstance(item, Section):
            yield from schema_defaults(item, path)
        else:
            yield path, item.default


def normalise(value):
    # The page writes sequences as tuples or lists interchangeably.
    return tuple(value) if isinstance(value, list) else value


def test_reference_defaults_match_schema():
    documented = documented_defaults()
    wrong = []
    for path, default in schema_defaults(SCHEMA):
        cell = documented.get(path)
        if cell is None:
            continue  # tests/unit/test_settings.py reports a missing key
        try:
            # The cells are Python literals on our own page, not outside input.
            shown = eval(cell, {"timedelta": timedelta})
        except (NameError, SyntaxError):
            shown = cell  # a dotted path or a description
        if isinstance(default, type) or callable(default):
            default = f"{default.__module__}.{default.__qualname__}"
        if normalise(shown) != normalise(default):
            wrong.append(f"{'.'.join(path)}: page says {cell}, SCHEMA has {default!r}")
    assert documented
    assert not wrong, "docs/reference/settings.md shows wrong defaults:\n" + "\n".join(wrong)
