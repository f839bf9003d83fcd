"""Paginators with native async paging: page number, limit/offset, count-free and cursor."""

from __future__ import annotations

from restflow.pagination.cursor import CursorPagination
from restflow.pagination.fast import FastPageNumberPagination
from restflow.pagination.pagination import (
    BasePagination,
    LimitOffsetPagination,
    PageNumberPagination,
)

__all__ = [
    "BasePagination",
    "CursorPagination",
    "FastPageNumberPagination",
    "LimitOffsetPagination",
    "PageNumberPagination",
]
