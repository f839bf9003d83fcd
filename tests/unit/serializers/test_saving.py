"""Tests for save/asave, create/acreate, update/aupdate, nested writes and many=True."""

from __future__ import annotations

import datetime
import decimal
import threading

import pytest
from asgiref.sync import async_to_sync
from catalog.models import Brand, Category, Product
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from restflow.serializers import ModelSerializer, Serializer
from tests.serializerapp.models import Owner, Specimen, Tag

pytestmark = pytest.mark.django_db


def run(coroutine_function, *args, **kwargs):
    """Run an async callable from sync test code, keeping DB access on this thread."""
    return async_to_sync(coroutine_function)(*args, **kwargs)


class CategorySerializer(ModelSerializer):
    class Meta:
        model = Category
        fields = ["id", "name", "slug", "description"]


def test_model_asave_creates_with_async_orm():
    serializer = CategorySerializer(data={"name": "Tools", "slug": "tools"})
    assert run(serializer.ais_valid), serializer.errors
    category = run(serializer.asave)
    assert isinstance(category, Category)
    assert Category.objects.get(slug="tools").pk == category.pk


def test_model_save_creates_on_sync_path():
    serializer = CategorySerializer(data={"name": "Tools", "slug": "tools"})
    assert serializer.is_valid(), serializer.errors
    category = serializer.save()
    assert Category.objects.get(slug="tools").pk == category.pk


@pytest.mark.parametrize("path", ["sync", "async"])
def test_unique_validator_runs_on_both_paths(path):
    Category.objects.create(name="Tools", slug="tools")
    serializer = CategorySerializer(data={"name": "Tools", "slug": "other"})
    valid = serializer.is_valid() if path == "sync" else run(serializer.ais_valid)
    assert valid is False
    assert serializer.errors["name"][0].code == "unique"


def test_model_asave_updates_with_extra_kwargs():
    category = Category.objects.create(name="Tools", slug="tools")
    serializer = CategorySerializer(category, data={"name": "Hand tools"}, partial=True)
    assert run(serializer.ais_valid), serializer.errors
    updated = run(serializer.asave, description="from kwargs")
    assert updated is category
    category.refresh_from_db()
    assert (category.name, category.description) == ("Hand tools", "from kwargs")


class SpecimenSerializer(ModelSerializer):
    class Meta:
        model = Specimen
        fields = [
            "char",
            "integer",
            "amount",
            "ratio",
            "created",
            "day",
            "clock",
            "span",
            "status",
            "email",
            "slug",
            "url",
            "owner",
            "tags",
        ]


def specimen_payload(owner: Owner, tags: list[Tag]) -> dict:
    return {
        "char": "c",
        "integer": 1,
        "amount": "1.500",
        "ratio": 0.5,
        "created": "2024-01-02T03:04:05Z",
        "day": "2024-01-02",
        "clock": "03:04:05",
        "span": "1 02:00:00",
        "status": "live",
        "email": "a@example.com",
        "slug": "s",
        "url": "https://example.com/",
        "owner": owner.pk,
        "tags": [tag.pk for tag in tags],
    }


@pytest.mark.parametrize("path", ["sync", "async"])
def test_many_to_many_set_on_create_and_update(path):
    owner = Owner.objects.create(name="o")
    first, second, third = (Tag.objects.create(name=n) for n in "abc")
    serializer = SpecimenSerializer(data=specimen_payload(owner, [first, second]))
    if path == "sync":
        assert serializer.is_valid(), serializer.errors
        specimen = serializer.save()
    else:
        assert run(serializer.ais_valid), serializer.errors
        specimen = run(serializer.asave)
    assert specimen.owner_id == owner.pk
    assert specimen.amount == decimal.Decimal("1.500")
    assert set(specimen.tags.values_list("name", flat=True)) == {"a", "b"}

    update = SpecimenSerializer(specimen, data={"tags": [third.pk]}, partial=True)
    if path == "sync":
        assert update.is_valid(), update.errors
        update.save()
    else:
        assert run(update.ais_valid), update.errors
        run(update.asave)
    assert list(specimen.tags.values_list("name", flat=True)) == ["c"]


def test_invalid_related_pk_reported_on_async_path():
    serializer = SpecimenSerializer(data=specimen_payload(Owner(pk=999), []))
    assert run(serializer.ais_valid) is False
    assert serializer.errors["owner"][0].code == "does_not_exist"


class NoteSerializer(Serializer):
    name: str

    def create(self, validated_data):
        self.thread = threading.get_ident()
        return Category.objects.create(name=validated_data["name"], slug=validated_data["name"])

    def update(self, instance, validated_data):
        self.thread = threading.get_ident()
        instance.name = validated_data["name"]
        instance.save()
        return instance


def test_asave_runs_sync_create_in_thread():
    async def main():
        serializer = NoteSerializer(data={"name": "n"})
        assert await serializer.ais_valid()
        instance = await serializer.asave()
        return serializer, instance, threading.get_ident()

    serializer, instance, loop_thread = run(main)
    assert serializer.thread != loop_thread
    assert Category.objects.filter(pk=instance.pk).exists()


def test_asave_runs_sync_update_in_thread():
    category = Category.objects.create(name="old", slug="old")

    async def main():
        serializer = NoteSerializer(category, data={"name": "new"})
        assert await serializer.ais_valid()
        await serializer.asave()
        return serializer, threading.get_ident()

    serializer, loop_thread = run(main)
    assert serializer.thread != loop_thread
    category.refresh_from_db()
    assert category.name == "new"


def test_plain_serializer_acreate_and_aupdate_awaited():
    class AsyncNote(Serializer):
        name: str

        async def acreate(self, validated_data):
            return await Category.objects.acreate(name=validated_data.name, slug="a")

        async def aupdate(self, instance, validated_data):
            instance.name = validated_data.name
            await instance.asave()
            return instance

    serializer = AsyncNote(data={"name": "made"})
    assert run(serializer.ais_valid)
    created = run(serializer.asave)
    assert Category.objects.get(pk=created.pk).name == "made"
    updater = AsyncNote(created, data={"name": "changed"})
    assert run(updater.ais_valid)
    run(updater.asave)
    assert Category.objects.get(pk=created.pk).name == "changed"


def test_async_create_awaited_or_rejected():
    class AsyncCreate(Serializer):
        name: str

        async def create(self, validated_data):
            return await Category.objects.acreate(name=validated_data["name"], slug="x")

    serializer = AsyncCreate(data={"name": "x"})
    assert run(serializer.ais_valid)
    assert run(serializer.asave).name == "x"

    sync = AsyncCreate(data={"name": "y"})
    assert sync.is_valid()
    with pytest.raises(TypeError, match=r"use asave\(\) for async support"):
        sync.save()
    assert sync.instance is None
    assert not Category.objects.filter(name="y").exists()


def test_plain_serializer_without_create_names_both_methods():
    class Bare(Serializer):
        name: str

    serializer = Bare(data={"name": "x"})
    assert run(serializer.ais_valid)
    with pytest.raises(NotImplementedError, match=r"async def acreate"):
        run(serializer.asave)


def test_user_create_beats_builtin_acreate():
    class Custom(CategorySerializer):
        def create(self, validated_data):
            validated_data["description"] = "set by create"
            return super().create(validated_data)

    serializer = Custom(data={"name": "c", "slug": "c"})
    assert run(serializer.ais_valid)
    assert run(serializer.asave).description == "set by create"


def test_asave_assertions():
    unvalidated = CategorySerializer(data={"name": "a", "slug": "a"})
    with pytest.raises(AssertionError, match=r"before asave\(\)"):
        run(unvalidated.asave)
    invalid = CategorySerializer(data={})
    assert not run(invalid.ais_valid)
    with pytest.raises(AssertionError, match="invalid data"):
        run(invalid.asave)
    valid = CategorySerializer(data={"name": "a", "slug": "a"})
    assert run(valid.ais_valid)
    with pytest.raises(AssertionError, match="commit"):
        run(valid.asave, commit=False)

    async def read():
        return await valid.adata

    run(read)
    with pytest.raises(AssertionError, match=r"after `\.data`"):
        run(valid.asave)


def test_acreate_reports_non_model_field():
    class Extra(CategorySerializer):
        extra: str

        class Meta(CategorySerializer.Meta):
            fields = ["name", "slug"]

    serializer = Extra(data={"name": "a", "slug": "a", "extra": "x"})
    assert run(serializer.ais_valid)
    with pytest.raises(TypeError, match=r"Category\.objects\.acreate\(\) rejected"):
        run(serializer.asave)


class ProductLine(Serializer):
    name: str
    slug: str
    price: decimal.Decimal


class CategoryWithProducts(Serializer):
    name: str
    slug: str
    products: list[ProductLine]

    def create(self, validated_data):
        brand = Brand.objects.create(name="b", slug="b")
        category = Category.objects.create(name=validated_data.name, slug=validated_data.slug)
        for line in validated_data.products:
            Product.objects.create(
                category=category, brand=brand, created_at=timezone.now(), **line
            )
        return category

    async def acreate(self, validated_data):
        brand = await Brand.objects.acreate(name="b", slug="b")
        category = await Category.objects.acreate(
            name=validated_data.name, slug=validated_data.slug
        )
        for line in validated_data.products:
            await Product.objects.acreate(
                category=category, brand=brand, created_at=timezone.now(), **line
            )
        return category


@pytest.mark.parametrize("path", ["sync", "async"])
def test_nested_write(path):
    payload = {
        "name": "Kitchen",
        "slug": "kitchen",
        "products": [
            {"name": "Pan", "slug": "pan", "price": "10.50"},
            {"name": "Pot", "slug": "pot", "price": "12"},
        ],
    }
    serializer = CategoryWithProducts(data=payload)
    if path == "sync":
        assert serializer.is_valid(), serializer.errors
        category = serializer.save()
    else:
        assert run(serializer.ais_valid), serializer.errors
        category = run(serializer.asave)
    prices = sorted(category.products.values_list("price", flat=True))
    assert prices == [decimal.Decimal("10.50"), decimal.Decimal("12.00")]


@pytest.mark.parametrize("path", ["sync", "async"])
def test_many_true_create(path):
    serializer = CategorySerializer(
        data=[{"name": "a", "slug": "a"}, {"name": "b", "slug": "b"}], many=True
    )
    if path == "sync":
        assert serializer.is_valid(), serializer.errors
        created = serializer.save()
    else:
        assert run(serializer.ais_valid), serializer.errors
        created = run(serializer.asave)
    assert [c.slug for c in created] == ["a", "b"]
    assert Category.objects.count() == 2


def test_many_true_save_rejects_async_child_create():
    class AsyncChild(Serializer):
        name: str

        async def create(self, validated_data):
            return validated_data

    serializer = AsyncChild(data=[{"name": "a"}], many=True)
    assert serializer.is_valid()
    with pytest.raises(TypeError, match="async support"):
        serializer.save()


def test_many_true_asave_with_plain_child_acreate():
    class Child(Serializer):
        name: str

        async def acreate(self, validated_data):
            return await Category.objects.acreate(
                name=validated_data.name, slug=validated_data.name
            )

    serializer = Child(data=[{"name": "x"}, {"name": "y"}], many=True)
    assert run(serializer.ais_valid)
    assert [c.name for c in run(serializer.asave)] == ["x", "y"]


def test_sync_hook_with_orm_on_async_path():
    Category.objects.create(name="taken", slug="taken")

    class Checked(Serializer):
        slug: str

        def validate_slug(self, value):
            if Category.objects.filter(slug=value).exists():
                raise ValidationError("slug taken")
            return value

    taken = Checked(data={"slug": "taken"})
    assert run(taken.ais_valid) is False
    assert taken.errors == {"slug": ["slug taken"]}
    free = Checked(data={"slug": "free"})
    assert run(free.ais_valid) is True


def test_model_update_sets_created_datetime():
    specimen_time = datetime.datetime(2024, 5, 6, 7, 8, 9, tzinfo=datetime.timezone.utc)
    category = Category.objects.create(name="a", slug="a")
    serializer = CategorySerializer(
        category, data={"description": str(specimen_time)}, partial=True
    )
    assert run(serializer.ais_valid)
    run(serializer.asave)
    category.refresh_from_db()
    assert category.description == str(specimen_time)
