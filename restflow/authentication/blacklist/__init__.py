"""JWT blacklist stores, selected by ``RESTFLOW_SETTINGS["JWT"]["BLACKLIST_BACKEND"]``.

Built-in names: ``cache`` (a Django cache alias), ``model`` (the
``BlacklistedToken`` table) and ``redis`` (one ``SET ... EX NX`` per token).
"""

from __future__ import annotations

from restflow.authentication.blacklist.base import BlacklistBackend

__all__ = ["BlacklistBackend"]
