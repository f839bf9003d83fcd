"""Annotation-driven, async-capable DRF serializers.

Declare fields as type annotations, validate and save with ``ais_valid``/
``asave`` on the async ORM, and serialize model lists on a fast path that
returns DRF's exact output.
"""

from __future__ import annotations

from typing_extensions import NotRequired

from restflow.helpers import Email, IPAddress
from restflow.serializers.fields import DecimalField, Field, SerializerFieldMap, get_field_from_type
from restflow.serializers.inline import InlineSerializer
from restflow.serializers.serializers import (
    HyperlinkedModelSerializer,
    ListSerializer,
    ModelSerializer,
    Serializer,
)
from restflow.serializers.validated_data import ValidatedData

__all__ = [
    "DecimalField",
    "Email",
    "Field",
    "HyperlinkedModelSerializer",
    "IPAddress",
    "InlineSerializer",
    "ListSerializer",
    "ModelSerializer",
    "NotRequired",
    "Serializer",
    "SerializerFieldMap",
    "ValidatedData",
    "get_field_from_type",
]
