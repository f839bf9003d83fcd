"""``TokenUser``: the user of a verified access token, built from its claims alone."""

from __future__ import annotations

from typing import Any

__all__ = ["TokenUser"]


class TokenUser:
    """An authenticated user known only from a verified access token.

    ``pk`` and ``id`` contain the user id claim, converted by the user
    model's primary key field, so they compare equal to the ``pk`` of the
    real user row. Nothing else about the user is known without a query:
    the user is never staff or superuser, has no permissions, and has no
    ``username``. Read other claims from ``token.payload``.
    """

    is_active = True
    is_staff = False
    is_superuser = False

    def __init__(self, pk: Any, token: Any) -> None:
        self.pk = pk
        self.id = pk
        self.token = token

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"TokenUser {self.pk}"

    def __repr__(self) -> str:
        return f"TokenUser(pk={self.pk!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TokenUser):
            return bool(self.pk == other.pk)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((TokenUser, self.pk))

    # Permissions live in the database; a user built from claims has none.
    def get_user_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def get_all_permissions(self, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return False

    def has_perms(self, perm_list: Any, obj: Any = None) -> bool:
        # Like a user row: an empty list requests nothing and is granted.
        return all(self.has_perm(perm, obj) for perm in perm_list)

    def has_module_perms(self, app_label: str) -> bool:
        return False
