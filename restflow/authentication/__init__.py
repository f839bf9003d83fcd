"""JWT and DRF-parity authentication with async ``aauthenticate`` hooks.

Names are imported on first access, so listing ``restflow.authentication``
in ``INSTALLED_APPS`` imports nothing that needs the app registry. The
token views live in :mod:`restflow.authentication.views` and the SimpleJWT
adapter in :mod:`restflow.authentication.simplejwt`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from restflow.authentication.authentication import (
        BaseAuthentication,
        BasicAuthentication,
        RemoteUserAuthentication,
        SessionAuthentication,
        TokenAuthentication,
        get_authorization_header,
    )
    from restflow.authentication.blacklist.base import BlacklistBackend
    from restflow.authentication.blacklist.cache import CacheBlacklistBackend
    from restflow.authentication.blacklist.model import ModelBlacklistBackend
    from restflow.authentication.errors import TokenError
    from restflow.authentication.jwt import AccessToken, RefreshToken
    from restflow.authentication.jwt_authentication import (
        JWTAuthentication,
        JWTStatelessUserAuthentication,
    )
    from restflow.authentication.serializers import (
        TokenBlacklistSerializer,
        TokenObtainSerializer,
        TokenRefreshSerializer,
    )
    from restflow.authentication.token_user import TokenUser

__all__ = [
    "AccessToken",
    "BaseAuthentication",
    "BasicAuthentication",
    "BlacklistBackend",
    "CacheBlacklistBackend",
    "JWTAuthentication",
    "JWTStatelessUserAuthentication",
    "ModelBlacklistBackend",
    "RefreshToken",
    "RemoteUserAuthentication",
    "SessionAuthentication",
    "TokenAuthentication",
    "TokenBlacklistSerializer",
    "TokenError",
    "TokenObtainSerializer",
    "TokenRefreshSerializer",
    "TokenUser",
    "get_authorization_header",
]

_LOCATIONS = {
    "AccessToken": "restflow.authentication.jwt",
    "BaseAuthentication": "restflow.authentication.authentication",
    "BasicAuthentication": "restflow.authentication.authentication",
    "BlacklistBackend": "restflow.authentication.blacklist.base",
    "CacheBlacklistBackend": "restflow.authentication.blacklist.cache",
    "JWTAuthentication": "restflow.authentication.jwt_authentication",
    "JWTStatelessUserAuthentication": "restflow.authentication.jwt_authentication",
    "ModelBlacklistBackend": "restflow.authentication.blacklist.model",
    "RefreshToken": "restflow.authentication.jwt",
    "RemoteUserAuthentication": "restflow.authentication.authentication",
    "SessionAuthentication": "restflow.authentication.authentication",
    "TokenAuthentication": "restflow.authentication.authentication",
    "TokenBlacklistSerializer": "restflow.authentication.serializers",
    "TokenError": "restflow.authentication.errors",
    "TokenObtainSerializer": "restflow.authentication.serializers",
    "TokenRefreshSerializer": "restflow.authentication.serializers",
    "TokenUser": "restflow.authentication.token_user",
    "get_authorization_header": "restflow.authentication.authentication",
}


def __getattr__(name: str) -> Any:
    module = _LOCATIONS.get(name)
    if module is None:
        raise AttributeError(f"module 'restflow.authentication' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
