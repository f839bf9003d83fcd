"""Request bodies of the token views."""

from __future__ import annotations

from rest_framework import serializers

__all__ = ["TokenBlacklistSerializer", "TokenObtainSerializer", "TokenRefreshSerializer"]


class TokenObtainSerializer(serializers.Serializer):
    """``{"username", "password"}``: the credentials exchanged for a token pair."""

    username = serializers.CharField(max_length=512, trim_whitespace=False)
    password = serializers.CharField(
        max_length=4096, write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )


class TokenRefreshSerializer(serializers.Serializer):
    """``{"refresh"}``: a refresh token to exchange for a new access token (and pair)."""

    # Optional because the refresh cookie may carry it; the view reports it missing.
    refresh = serializers.CharField(required=False, allow_blank=False, max_length=8192)


class TokenBlacklistSerializer(serializers.Serializer):
    """``{"refresh"}``: the refresh token to revoke at logout."""

    refresh = serializers.CharField(required=False, allow_blank=False, max_length=8192)
