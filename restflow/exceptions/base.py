"""``APIException``: a DRF exception that chooses its own envelope code and details."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions as drf_exceptions

from restflow.exceptions.codes import ErrorCode

__all__ = ["APIException"]


class APIException(drf_exceptions.APIException):
    """Raise an error whose envelope ``code``, ``details`` and status you choose.

    Subclass it and set ``code``, ``status_code`` and ``default_detail``, or
    pass ``code``, ``details`` and ``status_code`` for one raise; each
    argument that is not ``None`` overrides the class attribute. ``code``
    accepts an :class:`ErrorCode` member or any string::

        class OutOfStock(APIException):
            status_code = 409
            code = ErrorCode.CONFLICT
            default_detail = "The product is out of stock."

        raise OutOfStock(details={"product": product.pk})
    """

    code: str = ErrorCode.INTERNAL_ERROR.value
    details: Any = None

    def __init__(
        self,
        detail: Any = None,
        *,
        code: ErrorCode | str | None = None,
        details: Any = None,
        status_code: int | None = None,
    ) -> None:
        if code is not None:
            self.code = str(code)
        else:
            self.code = str(type(self).code)
        if details is not None:
            self.details = details
        if status_code is not None:
            self.status_code = status_code
        # DRF stores the code on the ErrorDetail too, so get_codes() agrees.
        super().__init__(detail, self.code)
