"""Request bodies of the token views."""

from __future__ import annotations

from typing import Annotated

from restflow.serializers import Field, Serializer

__all__ = ["TokenBlacklistSerializer", "TokenObtainSerializer", "TokenRefreshSerializer"]


class TokenObtainSerializer(Serializer):
    """``{"username", "password"}``: the credentials exchanged for a token pair."""

    username: Annotated[str, Field(max_length=512, trim_whitespace=False)]
    password: Annotated[
        str,
        Field(
            max_length=4096,
            write_only=True,
            trim_whitespace=False,
            style={"input_type": "password"},
        ),
    ]


class TokenRefreshSerializer(Serializer):
    """``{"refresh"}``: a refresh token to exchange for a new access token (and pair)."""

    # Optional because the refresh cookie may carry it; the view reports it missing.
    refresh: Annotated[str, Field(required=False, max_length=8192)]


class TokenBlacklistSerializer(Serializer):
    """``{"refresh"}``: the refresh token to revoke at logout."""

    refresh: Annotated[str, Field(required=False, max_length=8192)]
