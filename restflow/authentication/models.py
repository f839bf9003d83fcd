"""The ``BlacklistedToken`` table used by the ``model`` blacklist store."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

__all__ = ["BlacklistedToken"]


class BlacklistedToken(models.Model):
    """One revoked token id (or token family id), kept until ``expires_at``."""

    jti = models.CharField(max_length=128, unique=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "restflow_authentication"
        verbose_name = "blacklisted token"
        verbose_name_plural = "blacklisted tokens"
        # The name is fixed here and in the migration, so `makemigrations --check` stays clean.
        indexes = [models.Index(fields=["expires_at"], name="restflow_au_expires_idx")]

    def __str__(self) -> str:
        return f"BlacklistedToken(jti={self.jti!r}, expires_at={self.expires_at.isoformat()})"

    @classmethod
    def cleanup_expired(cls) -> int:
        """Delete rows whose token has expired and return how many were deleted."""
        deleted, _ = cls.objects.filter(expires_at__lt=timezone.now()).delete()
        return deleted

    @classmethod
    async def acleanup_expired(cls) -> int:
        """Async twin of :meth:`cleanup_expired`."""
        deleted, _ = await cls.objects.filter(expires_at__lt=timezone.now()).adelete()
        return deleted
