"""URLs of the stack named by ``BENCH_STACK``, mounted at ``/<stack>/``; all stacks when unset."""

from __future__ import annotations

import importlib
import os

from django.urls import include, path

STACKS = ("floor", "drf", "adrf", "ninja", "restflow")
_selected = os.environ.get("BENCH_STACK")
_names = STACKS if not _selected else (_selected,)

urlpatterns = [
    path(f"{name}/", include(importlib.import_module(f"bench.stacks.{name}_app").urlpatterns))
    for name in _names
]
