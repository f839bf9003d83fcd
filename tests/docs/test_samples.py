"""Run every Python sample of docs/**/*.md, one test per page."""

from __future__ import annotations

import secrets

import pytest
from django.conf import settings
from django.test import override_settings

from tests.docs.samples import DOCS, extract, module_name, pages, run_page

# Pages with a known broken sample that this suite may not edit, and why.
# strict=True turns a fixed page into a failure, so its entry gets removed.
KNOWN_BROKEN: dict[str, str] = {}


def _param(page):
    name = str(page.relative_to(DOCS))
    marks = (
        [pytest.mark.xfail(reason=KNOWN_BROKEN[name], strict=True)] if name in KNOWN_BROKEN else []
    )
    return pytest.param(page, id=name, marks=marks)


PAGES = [_param(page) for page in pages() if extract(page)]


# Secrets that the settings samples read from the environment, as a
# deployment would provide them.
SAMPLE_ENVIRONMENT = {
    "JWT_SIGNING_KEY": secrets.token_urlsafe(48),
    "JWT_OLD_SIGNING_KEY": secrets.token_urlsafe(48),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("page", PAGES)
def test_page_samples_run(page, monkeypatch):
    for name, value in SAMPLE_ENVIRONMENT.items():
        monkeypatch.setenv(name, value)
    samples = extract(page)
    # The samples run under the test settings plus the signing key that the
    # authentication guide's settings read from the environment.
    restflow = {**settings.RESTFLOW_SETTINGS}
    restflow["JWT"] = {
        **restflow.get("JWT", {}),
        "SIGNING_KEY": SAMPLE_ENVIRONMENT["JWT_SIGNING_KEY"],
    }
    with override_settings(RESTFLOW_SETTINGS=restflow):
        run_page(samples, module_name(page))


def test_every_guide_has_a_runnable_sample():
    guides = sorted((DOCS / "guide").glob("*.md"))
    without = [
        guide.name
        for guide in guides
        if not any(sample.skip_reason is None for sample in extract(guide))
    ]
    assert guides
    assert not without, f"guides with no runnable Python sample: {', '.join(without)}"
