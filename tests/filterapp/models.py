"""Models for the filter tests that the catalog lacks: a UUID primary key and many-to-many tags."""

from __future__ import annotations

import uuid

from django.db import models


class Supplier(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    contact = models.EmailField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Label(models.Model):
    name = models.CharField(max_length=50, unique=True)

    def __str__(self) -> str:
        return self.name


class Part(models.Model):
    STATUS_CHOICES = [("draft", "Draft"), ("active", "Active"), ("retired", "Retired")]

    sku = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    supplier = models.ForeignKey(Supplier, on_delete=models.CASCADE, related_name="parts")
    labels = models.ManyToManyField(Label, related_name="parts", blank=True)
    status = models.CharField(max_length=10, choices=STATUS_CHOICES, default="draft")
    weight = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    server_ip = models.GenericIPAddressField(null=True, blank=True)
    lead_time = models.DurationField(null=True, blank=True)
    opens_at = models.TimeField(null=True, blank=True)
    released_on = models.DateField(null=True, blank=True)
    attributes = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return self.sku
