from __future__ import annotations

import uuid

import pytest
from catalog.models import Product
from django.core.exceptions import FieldDoesNotExist

from restflow.filters import (
    ChoiceField,
    DecimalField,
    DurationField,
    FilterSet,
    IntegerField,
    IPAddressField,
    RelatedField,
    StringField,
    TimeField,
    UUIDField,
)
from restflow.filters.modelgen import DJANGO_FIELD_MAP, extract_model_fields, resolve_model_path
from restflow.filters.postgres import JSONValueField
from tests.filterapp.models import Label, Part, Supplier


def test_all_fields_skip_reverse_relations():
    generated = extract_model_fields(Product, "__all__")
    assert "reviews" not in generated
    assert {"id", "name", "price", "category", "brand", "tags"} <= set(generated)


def test_auto_and_fk_ids_are_integers():
    generated = extract_model_fields(Product, ["id", "category"])
    assert isinstance(generated["id"], IntegerField)
    assert isinstance(generated["category"], IntegerField)
    assert generated["category"].db_field == "category"


def test_uuid_pk_and_fk_to_it_are_uuids():
    generated = extract_model_fields(Part, ["supplier"])
    assert isinstance(generated["supplier"], UUIDField)
    assert isinstance(extract_model_fields(Supplier, ["id"])["id"], UUIDField)


def test_column_types_map():
    generated = extract_model_fields(
        Part, ["status", "weight", "server_ip", "lead_time", "opens_at", "attributes", "labels"]
    )
    assert isinstance(generated["status"], ChoiceField)
    assert isinstance(generated["weight"], DecimalField)
    assert (generated["weight"].max_digits, generated["weight"].decimal_places) == (8, 3)
    assert isinstance(generated["server_ip"], IPAddressField)
    assert isinstance(generated["lead_time"], DurationField)
    assert isinstance(generated["opens_at"], TimeField)
    assert isinstance(generated["attributes"], JSONValueField)
    assert isinstance(generated["labels"], IntegerField)


def test_map_is_by_class_name():
    assert DJANGO_FIELD_MAP["SlugField"] is StringField


def test_related_path_uses_full_db_field():
    generated = extract_model_fields(Product, ["category__name"])
    assert generated["category__name"].db_field == "category__name"
    assert isinstance(generated["category__name"], StringField)


def test_help_text_comes_from_model():
    from catalog.models import Brand

    generated = extract_model_fields(Brand, ["country"])
    assert generated["country"].help_text == "ISO 3166-1 alpha-2 code"


def test_unknown_names_raise():
    with pytest.raises(FieldDoesNotExist):
        extract_model_fields(Product, ["colour"])
    with pytest.raises(FieldDoesNotExist):
        extract_model_fields(Product, ["price__name"])


def test_resolve_reports_to_many():
    assert resolve_model_path(Product, "reviews__rating")[1] is True
    assert resolve_model_path(Product, "category__name")[1] is False


def test_meta_related_fields_expands_fk():
    class F(FilterSet):
        class Meta:
            model = Product
            fields = ["name", "category"]
            related_fields = ["category"]
            extra_kwargs = {"category__name": {"lookups": ["icontains"]}}

    fields = F().fields
    assert "category" not in fields
    assert fields["category__slug"].db_field == "category__slug"
    assert "category__name__icontains" in fields
    assert fields["category__name__icontains"].filter_by == "category__name__icontains"


def test_related_field_placeholder_expands():
    class F(FilterSet):
        supplier = RelatedField(
            model=Supplier,
            fields=["name", "contact"],
            extra_kwargs={"name": {"lookups": ["iexact"]}},
        )

        class Meta:
            model = Part

    fields = F().fields
    assert "supplier" not in fields
    assert fields["supplier__name"].db_field == "supplier__name"
    assert "supplier__name__iexact" in fields
    assert "supplier__contact" in fields


@pytest.mark.django_db
def test_related_field_filters_related_rows():
    acme = Supplier.objects.create(name="Acme")
    other = Supplier.objects.create(name="Other")
    Part.objects.create(sku="a1", name="Other", supplier=acme)
    Part.objects.create(sku="o1", name="Acme", supplier=other)

    class F(FilterSet):
        supplier = RelatedField(model=Supplier, fields=["name"])

        class Meta:
            model = Part

    result = F(data={"supplier__name": "Acme"}).filter_queryset(Part.objects.all())
    assert [part.sku for part in result] == ["a1"]


@pytest.mark.django_db
def test_uuid_fk_filter_validates_and_filters():
    supplier = Supplier.objects.create(name="S")
    Part.objects.create(sku="p1", name="P", supplier=supplier)

    class F(FilterSet):
        class Meta:
            model = Part
            fields = ["supplier"]

    assert F(data={"supplier": str(supplier.pk)}).filter_queryset(Part.objects.all()).count() == 1
    assert F(data={"supplier": str(uuid.uuid4())}).filter_queryset(Part.objects.all()).count() == 0
    filterset = F(data={"supplier": "17"})
    assert not filterset.is_valid()
    assert "UUID" in str(filterset.errors["supplier"][0])


@pytest.mark.django_db
def test_many_to_many_filter_returns_each_row_once():
    supplier = Supplier.objects.create(name="S")
    red, blue = Label.objects.create(name="red"), Label.objects.create(name="blue")
    part = Part.objects.create(sku="p1", name="P", supplier=supplier)
    part.labels.add(red, blue)
    Part.objects.create(sku="p2", name="Q", supplier=supplier)

    class F(FilterSet):
        class Meta:
            model = Part
            fields = ["labels", "labels__name"]
            extra_kwargs = {"labels__name": {"lookups": ["in"]}}

    result = F(data={"labels__name__in": "red,blue"}).filter_queryset(Part.objects.all())
    assert [item.sku for item in result] == ["p1"]
    result = F(data={"labels": str(red.pk)}).filter_queryset(Part.objects.all())
    assert [item.sku for item in result] == ["p1"]


@pytest.mark.django_db
def test_choice_filter_from_model_choices():
    supplier = Supplier.objects.create(name="S")
    Part.objects.create(sku="p1", name="P", supplier=supplier, status="active")

    class F(FilterSet):
        class Meta:
            model = Part
            fields = ["status"]

    assert F(data={"status": "active"}).filter_queryset(Part.objects.all()).count() == 1
    filterset = F(data={"status": "gone"})
    assert not filterset.is_valid()
    assert "draft, active, retired" in str(filterset.errors["status"][0])


def test_abstract_model_rejected():
    from django.db import models

    class Abstract(models.Model):
        name = models.CharField(max_length=5)

        class Meta:
            abstract = True
            app_label = "filterapp"

    with pytest.raises(ValueError):
        extract_model_fields(Abstract, ["name"])


def test_decimal_model_precision_carried_over():
    generated = extract_model_fields(Product, ["price"])
    assert generated["price"].max_digits == 10
    assert generated["price"].decimal_places == 2
