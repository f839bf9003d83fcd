"""PostgreSQL-only models for the filter tests: arrays, ranges, JSON documents and text search."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField, DateRangeField, IntegerRangeField
from django.db import models


class Article(models.Model):
    title = models.CharField(max_length=200)
    body = models.TextField()
    tags = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    scores = ArrayField(models.IntegerField(), default=list, blank=True)
    age_range = IntegerRangeField(null=True, blank=True)
    valid_during = DateRangeField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
