"""System check ``restflow.W090``: a default paginator that paginates nothing."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from rest_framework.settings import api_settings

__all__ = ["check_default_pagination"]

TAG = "restflow"


def _page_size_of(paginator_class: type) -> Any:
    for attribute in ("page_size", "default_limit"):
        if hasattr(paginator_class, attribute):
            return getattr(paginator_class, attribute)
    return 1  # A paginator without a page size attribute decides for itself.


@register(TAG)
def check_default_pagination(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when ``DEFAULT_PAGINATION_CLASS`` is set but its page size is None.

    Such a paginator returns every row unpaginated, because a page size of
    None turns pagination off in DRF's and restflow's paginators.
    """
    try:
        paginator_class: Any = api_settings.DEFAULT_PAGINATION_CLASS
    except ImportError:
        return []  # DRF reports the unimportable path itself.
    if paginator_class is None or _page_size_of(paginator_class) is not None:
        return []
    path = f"{paginator_class.__module__}.{paginator_class.__qualname__}"
    return [
        Warning(
            f"REST_FRAMEWORK['DEFAULT_PAGINATION_CLASS'] is {path!r}, but its page size is "
            "None, so list views return every row without pagination.",
            hint="Set REST_FRAMEWORK['PAGE_SIZE'] (for example 20), or name a paginator "
            "subclass that sets page_size.",
            id="restflow.W090",
        )
    ]
