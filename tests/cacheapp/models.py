"""Models used by the cache invalidation tests."""

from __future__ import annotations

import uuid

from django.db import models


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    class Meta:
        app_label = "cacheapp"

    def __str__(self) -> str:
        return self.name


class Article(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    views = models.PositiveIntegerField(default=0)
    published = models.BooleanField(default=True)
    tags = models.ManyToManyField(Tag, related_name="articles", blank=True)

    class Meta:
        app_label = "cacheapp"

    def __str__(self) -> str:
        return self.title
