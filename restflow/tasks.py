"""Celery autodiscovery entry: ``app.autodiscover_tasks(["restflow"])`` finds the cache task."""

from __future__ import annotations

from restflow.caching.tasks import task_run_cache_rules

__all__ = ["task_run_cache_rules"]
