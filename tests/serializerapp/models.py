"""Models for the serializer tests: one field of every type DRF maps, plus relations."""

from __future__ import annotations

import uuid

from django.db import models


class Owner(models.Model):
    name = models.CharField(max_length=50)
    email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Specimen(models.Model):
    STATUS_CHOICES = [("draft", "Draft"), ("live", "Live"), ("gone", "Gone")]

    char = models.CharField(max_length=50)
    text = models.TextField(blank=True)
    integer = models.IntegerField()
    big = models.BigIntegerField(default=0)
    small = models.PositiveSmallIntegerField(default=0)
    amount = models.DecimalField(max_digits=12, decimal_places=3)
    ratio = models.FloatField()
    flag = models.BooleanField(default=False)
    maybe = models.BooleanField(null=True)
    created = models.DateTimeField()
    day = models.DateField()
    clock = models.TimeField()
    span = models.DurationField()
    uid = models.UUIDField(default=uuid.uuid4)
    data = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    email = models.EmailField()
    slug = models.SlugField()
    url = models.URLField()
    ip = models.GenericIPAddressField(null=True)
    # Nullable on purpose: the fast path must render None like DRF does.
    note = models.CharField(max_length=50, null=True)  # noqa: DJ001
    owner = models.ForeignKey(
        Owner, null=True, blank=True, on_delete=models.SET_NULL, related_name="specimens"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="specimens")

    def __str__(self) -> str:
        return self.char

    @property
    def label(self) -> str:
        return f"{self.char}:{self.integer}"
