"""Extract the fenced Python samples of the docs pages and run them in order.

A page's samples run one after another in one module namespace, so a later
sample may use the names an earlier one defined. An HTML comment
``<!-- docs-test: skip REASON -->`` on the line before a fence leaves that
sample out; the reason is required.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import re
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asgiref.sync import async_to_sync

__all__ = ["DOCS", "Sample", "SampleError", "extract", "pages", "run_page"]

DOCS = Path(__file__).resolve().parents[2] / "docs"

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)[^`]*$")
SKIP_MARK = re.compile(r"^\s*<!--\s*docs-test:\s*skip\b[\s:—-]*(?P<reason>.*?)\s*-->\s*$")
PYTHON_INFOS = {"python", "py", "python3"}

# Settings that a sample may assign at module level and that the runner
# loads, so that a settings snippet with a wrong key or path fails.
CHECKED_SETTINGS = ("RESTFLOW_SETTINGS", "REST_FRAMEWORK")


class SampleError(ValueError):
    """A docs page whose samples or markers cannot be read."""


@dataclass(frozen=True)
class Sample:
    """One fenced Python block of a docs page."""

    path: Path
    line: int  # 1-based line of the first code line
    code: str
    skip_reason: str | None = None

    @property
    def label(self) -> str:
        path = self.path.resolve()
        if path.is_relative_to(DOCS.parent):
            path = path.relative_to(DOCS.parent)
        return f"{path}:{self.line}"


def pages() -> list[Path]:
    """Return every Markdown page under docs/, sorted."""
    return sorted(DOCS.rglob("*.md"))


def extract(path: Path, text: str | None = None) -> list[Sample]:
    """Return the Python samples of ``path`` in page order.

    Raises SampleError for a skip marker without a reason, a skip marker
    that is not followed by a Python fence, or a fence that is never closed.
    """
    lines = (path.read_text() if text is None else text).splitlines()
    samples: list[Sample] = []
    pending_skip: tuple[int, str] | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        skip = SKIP_MARK.match(line)
        if skip:
            if not skip["reason"]:
                raise SampleError(f"{path}:{index + 1}: a docs-test skip marker needs a reason.")
            pending_skip = (index + 1, skip["reason"])
            index += 1
            continue
        opened = FENCE_OPEN.match(line)
        if not opened:
            if line.strip() and pending_skip:
                raise SampleError(
                    f"{path}:{pending_skip[0]}: a docs-test skip marker must sit on the line "
                    "right before a ```python fence."
                )
            index += 1
            continue
        indent, fence, info = opened["indent"], opened["fence"], opened["info"].lower()
        body: list[str] = []
        close = re.compile(rf"^{re.escape(indent)}{fence[0]}{{{len(fence)},}}\s*$")
        index += 1
        start = index
        while index < len(lines) and not close.match(lines[index]):
            body.append(
                lines[index][len(indent) :]
                if lines[index].startswith(indent)
                else lines[index].lstrip()
            )
            index += 1
        if index == len(lines):
            raise SampleError(f"{path}:{start}: the {fence} fence opened here is never closed.")
        index += 1
        if info in PYTHON_INFOS:
            reason = pending_skip[1] if pending_skip else None
            samples.append(Sample(path, start + 1, "\n".join(body) + "\n", reason))
        elif pending_skip:
            raise SampleError(
                f"{path}:{pending_skip[0]}: a docs-test skip marker precedes a {info!r} fence."
            )
        pending_skip = None
    if pending_skip:
        raise SampleError(f"{path}:{pending_skip[0]}: a docs-test skip marker ends the page.")
    return samples


def module_name(path: Path) -> str:
    """Return the name of the module a page's samples run in, e.g. ``docs_samples.guide.errors``."""
    parts = path.relative_to(DOCS).with_suffix("").parts
    return "docs_samples." + ".".join(re.sub(r"\W", "_", part) for part in parts)


def _compile(sample: Sample) -> types.CodeType:
    tree = ast.parse(sample.code, filename=str(sample.path))
    # Report errors at the line of the Markdown page, not of the block.
    ast.increment_lineno(tree, sample.line - 1)
    return compile(tree, str(sample.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


def _execute(code: types.CodeType, namespace: dict[str, Any]) -> None:
    if code.co_flags & inspect.CO_COROUTINE:
        # A sample with top-level await: run it on a loop whose sync_to_async
        # calls come back to this thread, where the test database lives.
        async def run() -> None:
            await eval(code, namespace)

        async_to_sync(run)()
    else:
        exec(code, namespace)


def _add_note(error: BaseException, note: str) -> None:
    # BaseException.add_note exists from Python 3.11; on 3.10 the traceback's
    # file and line (the Markdown page) still locate the sample.
    if hasattr(error, "add_note"):
        error.add_note(note)


@contextlib.contextmanager
def _global_state_restored() -> Iterator[None]:
    """Undo what a page's samples register process-wide, so it cannot reach other tests.

    Covers the component registries, cache invalidation rules (which stay
    connected to model signals), Django's system checks and the
    local-memory default cache.
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache
    from django.core.checks.registry import registry as check_registry

    from restflow import registry
    from restflow.caching.registry import CacheRegister

    kinds = [value for value in vars(registry).values() if isinstance(value, registry.Registry)]
    # Registry has no public snapshot; a sample's register() must not leak
    # into the next page or test, so the entries are copied back.
    saved = [(kind, dict(kind._entries)) for kind in kinds]
    rules_before = {rule.rule_id for rule in CacheRegister.rules()}
    checks_before = (
        set(check_registry.registered_checks),
        set(check_registry.deployment_checks),
    )
    # Only a process-local cache is cleared: a shared one (Redis) may hold
    # other processes' data.
    local_cache = caches["default"] if isinstance(caches["default"], LocMemCache) else None
    if local_cache is not None:
        local_cache.clear()
    try:
        yield
    finally:
        for kind, entries in saved:
            kind._entries = entries
            kind.reset()
        for rule in CacheRegister.rules():
            if rule.rule_id not in rules_before:
                CacheRegister._drop(rule.rule_id)
        check_registry.registered_checks = checks_before[0]
        check_registry.deployment_checks = checks_before[1]
        if local_cache is not None:
            local_cache.clear()


def _validate_settings(namespace: dict[str, Any], sample: Sample) -> None:
    """Load a sample's ``RESTFLOW_SETTINGS`` and ``REST_FRAMEWORK`` as a project would.

    The values stay in effect only while they are checked: a page often
    shows an alternative setting and then goes on with the defaults.
    """
    from django.conf import settings
    from django.test import override_settings
    from rest_framework.settings import api_settings

    from restflow.settings import restflow_settings

    overrides: dict[str, Any] = {}
    if "RESTFLOW_SETTINGS" in namespace:
        overrides["RESTFLOW_SETTINGS"] = namespace["RESTFLOW_SETTINGS"]
    if "REST_FRAMEWORK" in namespace:
        overrides["REST_FRAMEWORK"] = {**settings.REST_FRAMEWORK, **namespace["REST_FRAMEWORK"]}
    if not overrides:
        return
    try:
        with override_settings(**overrides):
            restflow_settings.to_dict()
            # DRF imports a dotted-path setting when it is first read.
            for key in namespace.get("REST_FRAMEWORK", {}):
                getattr(api_settings, key)
    except BaseException as error:
        _add_note(error, f"in the settings of the docs sample at {sample.label}")
        raise


def run_page(samples: list[Sample], name: str) -> dict[str, Any]:
    """Run ``samples`` in order in a fresh module called ``name``; return its namespace.

    A module-level ``urlpatterns`` becomes ``ROOT_URLCONF`` for the samples
    after it. A sample that assigns ``RESTFLOW_SETTINGS`` or
    ``REST_FRAMEWORK`` has them validated (REST_FRAMEWORK merged over the
    current value), but not kept in effect.
    """
    from django.test import override_settings
    from django.urls import clear_url_caches

    module = types.ModuleType(name)
    module.__file__ = str(samples[0].path) if samples else None
    namespace = module.__dict__
    sys.modules[name] = module
    try:
        with contextlib.ExitStack() as stack, _global_state_restored():
            stack.callback(clear_url_caches)
            for sample in samples:
                if sample.skip_reason is not None:
                    continue
                before = {key: namespace.get(key) for key in ("urlpatterns", *CHECKED_SETTINGS)}
                try:
                    _execute(_compile(sample), namespace)
                except BaseException as error:
                    _add_note(error, f"in the docs sample at {sample.label}")
                    raise
                assigned = {
                    key: namespace[key]
                    for key in CHECKED_SETTINGS
                    if key in namespace and namespace[key] is not before[key]
                }
                _validate_settings(assigned, sample)
                if namespace.get("urlpatterns") is not before["urlpatterns"]:
                    stack.enter_context(override_settings(ROOT_URLCONF=name))
                    clear_url_caches()
        return namespace
    finally:
        sys.modules.pop(name, None)
