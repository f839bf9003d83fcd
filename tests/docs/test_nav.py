"""Check that every docs page is reachable from the nav in mkdocs.yml."""

from __future__ import annotations

import re

from tests.docs.samples import DOCS

CONFIG = DOCS.parent / "mkdocs.yml"


def nav_pages() -> set[str]:
    # mkdocs.yml has Python tags (!!python/name) that yaml.safe_load
    # rejects, and the nav entries are one page path per line anyway.
    text = CONFIG.read_text()
    nav = text[text.index("\nnav:\n") :]
    return set(re.findall(r"([\w./-]+\.md)\s*$", nav, re.MULTILINE))


def test_every_page_in_nav():
    pages = {str(page.relative_to(DOCS)) for page in DOCS.rglob("*.md")}
    missing = sorted(pages - nav_pages())
    assert not missing, f"docs pages not listed in the nav of mkdocs.yml: {', '.join(missing)}"


def test_nav_pages_exist():
    absent = sorted(page for page in nav_pages() if not (DOCS / page).is_file())
    assert not absent, f"mkdocs.yml lists pages that do not exist: {', '.join(absent)}"
