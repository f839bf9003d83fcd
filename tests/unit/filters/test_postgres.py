"""PostgreSQL filters: search, trigram, arrays, ranges, JSON; and their rejection elsewhere."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from restflow.filters import (
    FilterSet,
    IntegerField,
    JSONValueField,
    ListField,
    RangeField,
    SearchField,
    StringField,
    TrigramField,
)

on_postgres = pytest.mark.postgres
not_postgres = pytest.mark.skipif(
    connection.vendor == "postgresql",
    reason="checks the error on a database that is not PostgreSQL",
)


@pytest.fixture
def articles(db):
    from tests.pgapp.models import Article

    rows = [
        (
            "Python packaging",
            "Running python packages and wheels",
            ["python", "packaging"],
            [1, 5],
            (0, 10),
            {"color": "red", "size": 3},
        ),
        (
            "Gardening basics",
            "Growing tomatoes in the garden",
            ["garden"],
            [2],
            (5, 20),
            {"color": "green"},
        ),
        (
            "Pythons in the wild",
            "Snakes run fast; a python story",
            ["nature", "python"],
            [7, 8],
            (18, 65),
            {"size": 10},
        ),
        ("Café culture", "Coffee and croissants", [], [], None, {}),
    ]
    created = {}
    for title, body, tags, scores, ages, metadata in rows:
        created[title] = Article.objects.create(
            title=title,
            body=body,
            tags=tags,
            scores=scores,
            age_range=ages,
            metadata=metadata,
        )
    return created


def titles(queryset):
    return [article.title for article in queryset]


def run(filterset_class, data):
    from tests.pgapp.models import Article

    return filterset_class(data=data).filter_queryset(Article.objects.all())


@on_postgres
def test_full_text_search_ranks_by_relevance(articles):
    class F(FilterSet):
        search = SearchField(fields=[("title", "A"), ("body", "B")], config="english")

        class Meta:
            order_fields = ["title"]

    result = run(F, {"search": "python"})
    assert titles(result) == ["Python packaging", "Pythons in the wild"]
    ranks = [article.search_rank for article in result]
    assert ranks == sorted(ranks, reverse=True)
    assert titles(run(F, {"search": "run"})) == ["Python packaging", "Pythons in the wild"]
    assert titles(run(F, {"search": "python", "order_by": "-title"})) == [
        "Pythons in the wild",
        "Python packaging",
    ]
    assert titles(run(F, {"search": '"python story"'})) == ["Pythons in the wild"]


@on_postgres
def test_filtering_twice_orders_by_rank_once(articles):
    from tests.pgapp.models import Article

    class F(FilterSet):
        search = SearchField(fields=["title"])

    filterset = F(data={"search": "python"})
    filterset.filter_queryset(Article.objects.all())
    second = filterset.filter_queryset(Article.objects.all())
    assert len(second.query.order_by) == 2


@on_postgres
def test_search_config_from_meta(articles):
    class F(FilterSet):
        search = SearchField(fields=["body"])

        class Meta:
            search_config = "simple"

    # The simple configuration does not stem, so "run" no longer matches "Running".
    assert titles(run(F, {"search": "run"})) == ["Pythons in the wild"]


@on_postgres
def test_trigram_similarity(articles):
    class F(FilterSet):
        similar = TrigramField(fields=["title"], threshold=0.2)

    result = run(F, {"similar": "pyhton packagin"})
    assert titles(result)[0] == "Python packaging"
    assert "Café culture" not in titles(result)


@on_postgres
def test_array_lookups(articles):
    class F(FilterSet):
        tags = ListField(child=StringField(), lookups=["pg_array"])
        scores = ListField(child=IntegerField(), lookups=["overlap"])

    assert titles(run(F, {"tags__contains": "python"})) == [
        "Python packaging",
        "Pythons in the wild",
    ]
    assert titles(run(F, {"tags__overlap": "garden,nature"})) == [
        "Gardening basics",
        "Pythons in the wild",
    ]
    assert titles(run(F, {"tags__contained_by": "garden,python,packaging"})) == [
        "Python packaging",
        "Gardening basics",
        "Café culture",
    ]
    assert titles(run(F, {"scores__overlap": "5,7"})) == ["Python packaging", "Pythons in the wild"]
    filterset = F(data={"scores__overlap": "5,x"})
    assert not filterset.is_valid()


@on_postgres
def test_model_array_field_is_generated(articles):
    from tests.pgapp.models import Article

    class F(FilterSet):
        class Meta:
            model = Article
            fields = ["tags"]

    assert titles(run(F, {"tags": "garden"})) == ["Gardening basics"]
    assert titles(run(F, {"tags": "python,packaging"})) == ["Python packaging"]


@on_postgres
def test_declared_list_on_array_column_compares_whole_arrays(articles):
    from tests.pgapp.models import Article

    class F(FilterSet):
        tags = ListField(child=StringField(), lookups=["pg_array"])

        class Meta:
            model = Article

    assert titles(run(F, {"tags": "nature,python"})) == ["Pythons in the wild"]
    assert titles(run(F, {"tags!": "garden"})) == [
        "Python packaging",
        "Pythons in the wild",
        "Café culture",
    ]


@on_postgres
def test_range_field_lookups(articles):
    from tests.pgapp.models import Article

    class F(FilterSet):
        class Meta:
            model = Article
            fields = ["age_range"]
            extra_kwargs = {"age_range": {"lookups": ["pg_range"]}}

    assert isinstance(F().fields["age_range"], RangeField)
    assert titles(run(F, {"age_range__contains": "19"})) == [
        "Gardening basics",
        "Pythons in the wild",
    ]
    assert titles(run(F, {"age_range__overlap": "0,4"})) == ["Python packaging"]
    assert titles(run(F, {"age_range__contained_by": "0,30"})) == [
        "Python packaging",
        "Gardening basics",
    ]
    # Query ranges include both ends: [0, 9] is the stored integer range [0, 10).
    assert titles(run(F, {"age_range": "0,9"})) == ["Python packaging"]
    assert titles(run(F, {"age_range": "0,10"})) == []
    filterset = F(data={"age_range__overlap": "1"})
    assert not filterset.is_valid()
    assert "exactly two values" in str(filterset.errors["age_range__overlap"][0])


@on_postgres
def test_json_lookups(articles):
    class F(FilterSet):
        color = StringField(db_field="metadata__color")
        size = IntegerField(db_field="metadata__size", lookups=["gte"])
        metadata = JSONValueField(lookups=["json", "contains"])

    assert titles(run(F, {"color": "red"})) == ["Python packaging"]
    assert titles(run(F, {"size__gte": "5"})) == ["Pythons in the wild"]
    assert titles(run(F, {"metadata__has_key": "size"})) == [
        "Python packaging",
        "Pythons in the wild",
    ]
    assert titles(run(F, {"metadata__has_any_keys": "color,nope"})) == [
        "Python packaging",
        "Gardening basics",
    ]
    assert titles(run(F, {"metadata__contains": '{"color": "green"}'})) == ["Gardening basics"]


@on_postgres
def test_postgres_text_lookups(articles):
    class F(FilterSet):
        title = StringField(lookups=["postgres"])

    assert titles(run(F, {"title__unaccent": "Cafe culture"})) == ["Café culture"]
    assert titles(run(F, {"title__search": "gardening"})) == ["Gardening basics"]
    assert "Python packaging" in titles(run(F, {"title__trigram_similar": "python packagin"}))


@not_postgres
@pytest.mark.parametrize(
    "declare",
    [
        lambda: {"search": SearchField(fields=["name"])},
        lambda: {"similar": TrigramField(fields=["name"])},
        lambda: {"ages": RangeField(kind="integer")},
        lambda: {"tags": ListField(child=StringField(), lookups=["pg_array"])},
        lambda: {"name": StringField(lookups=["trigram_similar"])},
        lambda: {"meta": JSONValueField(lookups=["contains"])},
    ],
)
def test_postgres_features_fail_at_class_creation_elsewhere(declare):
    with pytest.raises(ImproperlyConfigured) as excinfo:
        type("F", (FilterSet,), declare())
    message = str(excinfo.value)
    assert "needs PostgreSQL" in message
    assert connection.vendor in message


def test_meta_using_must_name_an_alias():
    with pytest.raises(ImproperlyConfigured) as excinfo:

        class F(FilterSet):
            search = SearchField(fields=["name"])

            class Meta:
                using = "reporting"

    assert "'reporting' is not a database alias" in str(excinfo.value)


@not_postgres
def test_json_key_paths_work_elsewhere():
    class F(FilterSet):
        color = StringField(db_field="metadata__color")
        metadata = JSONValueField(lookups=["json"])

    assert "metadata__has_key" in F().fields


@pytest.mark.django_db
def test_search_fallback_on_other_databases():
    from catalog.models import Product

    from tests.filterapp.catalog_data import make_catalog

    make_catalog()

    class F(FilterSet):
        search = SearchField(fields=[("name", "A"), ("description", "B")], fallback="icontains")
        similar = TrigramField(fields=["name"], fallback="icontains")

    result = F(data={"search": "chess"}).filter_queryset(Product.objects.all())
    assert [product.name for product in result] == ["Chess Set"]
    if connection.vendor == "postgresql":
        assert hasattr(result[0], "search_rank")
    else:
        assert not hasattr(result[0], "search_rank")
        result = F(data={"similar": "board"}).filter_queryset(Product.objects.all())
        assert [product.name for product in result] == ["Go Board"]


def test_fallback_must_be_a_text_lookup():
    with pytest.raises(ValueError):
        SearchField(fields=["name"], fallback="gte")


def test_json_value_parsing():
    class F(FilterSet):
        metadata = JSONValueField()

    assert F(data={"metadata": '{"a": 1}'}).model_dump() == {"metadata": {"a": 1}}
    assert F(data={"metadata": "red"}).model_dump() == {"metadata": "red"}
    for bad in ("1e999", "NaN", "[Infinity]"):
        filterset = F(data={"metadata": bad})
        assert not filterset.is_valid(), bad
        assert "finite number" in str(filterset.errors["metadata"][0])


@pytest.mark.django_db
def test_deeply_nested_json_is_rejected():
    from tests.filterapp.models import Part

    class F(FilterSet):
        attributes = JSONValueField()

    shallow = "[" * 30 + "]" * 30
    assert list(F(data={"attributes": shallow}).filter_queryset(Part.objects.all())) == []
    filterset = F(data={"attributes": "[" * 500 + "]" * 500})
    assert not filterset.is_valid()
    assert "32 levels" in str(filterset.errors["attributes"][0])


@pytest.mark.django_db
def test_json_nul_character_is_invalid():
    from tests.filterapp.models import Part

    class F(FilterSet):
        attributes = JSONValueField()

    for bad in ('"\\u0000"', '{"a\\u0000": 1}', '[["x\\u0000y"]]', '{"k": {"v": "\\u0000"}}'):
        filterset = F(data={"attributes": bad})
        assert not filterset.is_valid(), bad
        error = filterset.errors["attributes"][0]
        assert error.code == "null_characters_not_allowed"
        assert "NUL" in str(error)
    # A backslash that is not an escape stays a plain string and still runs.
    queryset = F(data={"attributes": "a\\u0000"}).filter_queryset(Part.objects.all())
    assert list(queryset) == []


@pytest.mark.django_db
def test_json_null_matches_json_null_rows():
    from django.db.models import JSONField, Value

    from tests.filterapp.models import Part, Supplier

    supplier = Supplier.objects.create(name="S")
    json_null = Value(None, output_field=JSONField())
    Part.objects.create(sku="n", name="N", supplier=supplier, attributes=json_null)
    Part.objects.create(sku="e", name="E", supplier=supplier, attributes={})

    class F(FilterSet):
        attributes = JSONValueField()

    result = F(data={"attributes": "null"}).filter_queryset(Part.objects.all())
    assert [part.sku for part in result] == ["n"]
    result = F(data={"attributes": "{}"}).filter_queryset(Part.objects.all())
    assert [part.sku for part in result] == ["e"]
