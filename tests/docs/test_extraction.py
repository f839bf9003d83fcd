"""The sample extractor and runner behind test_samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs.samples import DOCS, SampleError, extract, module_name, run_page

PAGE = DOCS / "guide" / "example.md"


def test_extract_python_fences_only():
    text = "# Page\n\n```python\nx = 1\n```\n\n```console\n$ ls\n```\n\n```py\ny = 2\n```\n"
    samples = extract(PAGE, text)
    assert [sample.code for sample in samples] == ["x = 1\n", "y = 2\n"]
    assert [sample.line for sample in samples] == [4, 12]


def test_extract_indented_fence_dedents():
    text = "!!! note\n\n    ```python\n    def f():\n        return 1\n    ```\n"
    (sample,) = extract(PAGE, text)
    assert sample.code == "def f():\n    return 1\n"


def test_extract_skip_marker_reason():
    text = (
        "<!-- docs-test: skip settings fragment -->\n"
        "```python\nX = env('X')\n```\n```python\nY = 1\n```\n"
    )
    first, second = extract(PAGE, text)
    assert first.skip_reason == "settings fragment"
    assert second.skip_reason is None


def test_extract_skip_without_reason_rejected():
    with pytest.raises(SampleError, match="needs a reason"):
        extract(PAGE, "<!-- docs-test: skip -->\n```python\nx = 1\n```\n")


def test_extract_skip_away_from_fence_rejected():
    with pytest.raises(SampleError, match="right before"):
        extract(PAGE, "<!-- docs-test: skip later -->\nSome prose.\n```python\nx = 1\n```\n")


def test_extract_unclosed_fence_rejected():
    with pytest.raises(SampleError, match="never closed"):
        extract(PAGE, "```python\nx = 1\n")


def test_module_name_from_path():
    assert module_name(DOCS / "guide" / "how-it-works.md") == "docs_samples.guide.how_it_works"


def test_run_page_shares_namespace():
    samples = extract(PAGE, "```python\nx = 2\n```\n```python\ny = x * 3\n```\n")
    namespace = run_page(samples, "docs_samples.test_shared")
    assert namespace["y"] == 6


def test_run_page_skipped_sample_not_run():
    text = (
        "<!-- docs-test: skip would fail -->\n"
        "```python\nraise RuntimeError\n```\n```python\nz = 1\n```\n"
    )
    namespace = run_page(extract(PAGE, text), "docs_samples.test_skip")
    assert namespace["z"] == 1


def test_run_page_failure_names_page_line():
    samples = extract(PAGE, "Text.\n\n```python\nx = 1\nundefined_name\n```\n")
    with pytest.raises(NameError) as info:
        run_page(samples, "docs_samples.test_failure")
    frame = info.traceback[-1]
    assert Path(frame.path) == PAGE
    assert frame.lineno + 1 == 5


def test_run_page_top_level_await():
    text = "```python\nimport asyncio\nawait asyncio.sleep(0)\ndone = True\n```\n"
    assert run_page(extract(PAGE, text), "docs_samples.test_await")["done"] is True


@pytest.mark.django_db
def test_run_page_settings_not_kept():
    from restflow.settings import restflow_settings

    text = '```python\nRESTFLOW_SETTINGS = {"EXCEPTIONS": {"ENVELOPE": "problem"}}\n```\n'
    text += (
        "```python\nfrom restflow.settings import restflow_settings\n"
        "seen = restflow_settings.EXCEPTIONS.ENVELOPE\n```\n"
    )
    namespace = run_page(extract(PAGE, text), "docs_samples.test_settings")
    assert namespace["seen"] == "restflow"
    assert restflow_settings.EXCEPTIONS.ENVELOPE == "restflow"


def test_run_page_invalid_restflow_settings_fail():
    from restflow.settings import SettingsError

    text = '```python\nRESTFLOW_SETTINGS = {"EXCEPTIONS": {"ENVELOP": "problem"}}\n```\n'
    with pytest.raises(SettingsError):
        run_page(extract(PAGE, text), "docs_samples.test_bad_settings")


def test_run_page_invalid_rest_framework_fail():
    text = '```python\nREST_FRAMEWORK = {"EXCEPTION_HANDLER": "restflow.exceptions.nowhere"}\n```\n'
    with pytest.raises(ImportError, match="nowhere"):
        run_page(extract(PAGE, text), "docs_samples.test_bad_drf_settings")


@pytest.mark.django_db
def test_run_page_urlpatterns_become_root_urlconf():
    text = (
        "```python\nfrom django.http import HttpResponse\nfrom django.urls import path\n\n"
        'urlpatterns = [path("ping/", lambda request: HttpResponse("pong"))]\n```\n'
        '```python\nfrom django.test import Client\n\nbody = Client().get("/ping/").content\n```\n'
    )
    assert run_page(extract(PAGE, text), "docs_samples.test_urls")["body"] == b"pong"


def test_run_page_restores_registries():
    from restflow.registry import ENVELOPES

    before = ENVELOPES.names()
    text = (
        "```python\nfrom restflow.exceptions.envelopes import RestflowEnvelope\n"
        "from restflow.registry import ENVELOPES\n\n"
        '@ENVELOPES.register("sample_only")\nclass SampleOnly(RestflowEnvelope):\n    pass\n```\n'
    )
    run_page(extract(PAGE, text), "docs_samples.test_registry")
    assert ENVELOPES.names() == before


@pytest.mark.django_db
def test_run_page_drops_cache_rules():
    from restflow.caching.registry import CacheRegister

    before = {rule.rule_id for rule in CacheRegister.rules()}
    text = (
        "```python\nfrom restflow.caching import ArgsKeyField, InvalidationRule, KeyConstructor\n"
        "from restflow.caching import cache_result\n\n"
        "class SampleKey(KeyConstructor):\n"
        '    product = ArgsKeyField("product_id")\n\n'
        "    class Meta:\n"
        '        namespace = "docs-sample"\n\n'
        "@cache_result(SampleKey, ttl=60, invalidates_on=[\n"
        '    InvalidationRule(model="catalog.Product", field_mapping={"product_id": "pk"})])\n'
        "def price(product_id):\n"
        "    return product_id\n```\n"
        "```python\nfrom restflow.caching.registry import CacheRegister\n\n"
        "during = {rule.rule_id for rule in CacheRegister.rules()}\n```\n"
    )
    namespace = run_page(extract(PAGE, text), "docs_samples.test_rules")
    assert namespace["during"] - before
    assert {rule.rule_id for rule in CacheRegister.rules()} == before


def test_run_page_drops_system_checks():
    from django.core.checks.registry import registry

    before = set(registry.registered_checks)
    text = (
        "```python\nfrom django.core.checks import register\n\n"
        "@register()\n"
        "def sample_check(app_configs=None, **kwargs):\n"
        "    return []\n```\n"
    )
    namespace = run_page(extract(PAGE, text), "docs_samples.test_checks")
    assert namespace["sample_check"] not in registry.registered_checks
    assert set(registry.registered_checks) == before
