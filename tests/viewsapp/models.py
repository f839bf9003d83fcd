"""Models for the view, pagination and permission tests (nullable ordering columns)."""

from __future__ import annotations

from django.db import models


class Gadget(models.Model):
    name = models.CharField(max_length=50)
    # Nullable, so cursor pagination can be tested over NULLs.
    price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    rank = models.IntegerField(null=True, blank=True)
    owner = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["id"]
        permissions = [("inspect_gadget", "Can inspect gadgets")]

    def __str__(self) -> str:
        return self.name
