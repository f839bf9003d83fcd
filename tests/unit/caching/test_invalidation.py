"""Model-driven invalidation: signals, transactions, watch_fields and explicit calls."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.db import transaction

from restflow.caching import (
    CACHE_MISSING,
    ArgsKeyField,
    InvalidationRule,
    KeyConstructor,
    cache_result,
    invalidate_for,
)


class ProductKey(KeyConstructor):
    product = ArgsKeyField("product_id", partition=True)
    currency = ArgsKeyField("currency")


def product_price_cache(**rule_options):
    from catalog.models import Product

    calls = []
    options = {"field_mapping": {"product_id": "pk"}, **rule_options}

    @cache_result(ProductKey, ttl=60, invalidates_on=[InvalidationRule(model=Product, **options)])
    def price(product_id, currency="EUR"):
        calls.append(product_id)
        return str(Product.objects.get(pk=product_id).price)

    return price, calls


pytestmark = pytest.mark.django_db(transaction=True)


def test_save_invalidates_the_products_partition(make_product):
    product = make_product()
    other = make_product()
    price, _ = product_price_cache()
    assert price(product.pk) == "10.00"
    price(product.pk, currency="USD")
    price(other.pk)
    product.price = Decimal("12.50")
    product.save()
    assert price.get_cache_only(product.pk) is CACHE_MISSING
    assert price.get_cache_only(product.pk, currency="USD") is CACHE_MISSING
    assert price.get_cache_only(other.pk) == "10.00"
    assert price(product.pk) == "12.50"


def test_create_runs_only_with_trigger_on_create(make_product):
    from catalog.models import Category

    @cache_result(ttl=60, invalidates_on=[InvalidationRule(model=Category)])
    def quiet():
        return Category.objects.count()

    @cache_result(ttl=60, invalidates_on=[InvalidationRule(model=Category, trigger_on_create=True)])
    def counted():
        return Category.objects.count()

    assert quiet() == counted() == 0
    make_product()
    assert quiet.get_cache_only() == 0
    assert counted.get_cache_only() is CACHE_MISSING


def test_delete_invalidates(make_product):
    product = make_product()
    price, _ = product_price_cache()
    price(product.pk)
    pk = product.pk
    product.delete()
    assert price.get_cache_only(pk) is CACHE_MISSING


def test_delete_inside_a_transaction_keeps_the_pk(make_product):
    product = make_product()
    price, _ = product_price_cache()
    pk = product.pk
    price(pk)
    with transaction.atomic():
        product.delete()
        assert product.pk is None
        assert price.get_cache_only(pk) == "10.00"
    assert price.get_cache_only(pk) is CACHE_MISSING


def test_rollback_does_not_invalidate(make_product):
    product = make_product()
    price, _ = product_price_cache()
    price(product.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        product.price = Decimal("99.00")
        product.save()
        raise RuntimeError("roll back")
    assert price.get_cache_only(product.pk) == "10.00"


def test_nested_atomic_waits_for_the_outermost_commit(make_product):
    product = make_product()
    price, _ = product_price_cache()
    price(product.pk)
    with transaction.atomic():
        with transaction.atomic():
            product.price = Decimal("11.00")
            product.save()
        assert price.get_cache_only(product.pk) == "10.00"
    assert price.get_cache_only(product.pk) is CACHE_MISSING


def test_rolled_back_savepoint_drops_its_invalidation(make_product):
    product = make_product()
    price, _ = product_price_cache()
    price(product.pk)
    with transaction.atomic():
        try:
            with transaction.atomic():
                product.save()
                raise RuntimeError("inner")
        except RuntimeError:
            pass
    assert price.get_cache_only(product.pk) == "10.00"


def test_watch_fields_ignore_saves_that_change_nothing_watched(make_product):
    from catalog.models import Product

    product = make_product()
    price, _ = product_price_cache(watch_fields=["price"])
    price(product.pk)
    loaded = Product.objects.get(pk=product.pk)
    loaded.stock = 5
    loaded.save()
    assert price.get_cache_only(product.pk) == "10.00"
    loaded.price = Decimal("20.00")
    loaded.save()
    assert price.get_cache_only(product.pk) is CACHE_MISSING


def test_watch_fields_with_update_fields(make_product):
    from catalog.models import Product

    product = make_product()
    price, _ = product_price_cache(watch_fields=["price"])
    price(product.pk)
    loaded = Product.objects.get(pk=product.pk)
    loaded.price = Decimal("30.00")
    loaded.save(update_fields=["stock"])
    assert price.get_cache_only(product.pk) == "10.00"
    loaded.save(update_fields=["price"])
    assert price.get_cache_only(product.pk) is CACHE_MISSING


def test_watch_fields_on_an_instance_built_by_hand(make_product):
    from catalog.models import Product

    product = make_product()
    price, _ = product_price_cache(watch_fields=["price"])
    price(product.pk)
    values = {f.attname: getattr(product, f.attname) for f in Product._meta.concrete_fields}
    same = Product(**values)
    same.save()
    assert price.get_cache_only(product.pk) == "10.00"
    values["price"] = Decimal("40.00")
    changed = Product(**values)
    changed.save()
    assert price.get_cache_only(product.pk) is CACHE_MISSING


def test_invalidate_when_conditions(make_product):
    product = make_product(in_stock=False)
    price, _ = product_price_cache(invalidate_when={"in_stock": True})
    price(product.pk)
    product.save()
    assert price.get_cache_only(product.pk) == "10.00"
    product.in_stock = True
    product.save()
    assert price.get_cache_only(product.pk) is CACHE_MISSING


def test_require_args_skips_rules_with_missing_values(make_product):
    from catalog.models import Review

    product = make_product()

    @cache_result(
        ttl=60,
        invalidates_on=[InvalidationRule(model=Review, field_mapping={"author_id": "author_id"})],
    )
    def reviews_by(author_id):
        return author_id

    reviews_by(None)
    Review.objects.create(
        product=product, author_name="anon", rating=4, title="ok", created_at=product.created_at
    ).save()
    assert reviews_by.get_cache_only(None) is None


def test_many_to_many_changes_invalidate():
    from tests.cacheapp.models import Article, Tag

    article = Article.objects.create(title="a")
    tag = Tag.objects.create(name="t")

    @cache_result(
        ttl=60, invalidates_on=[InvalidationRule(model=Article, field_mapping={"article_id": "pk"})]
    )
    def tag_names(article_id):
        return sorted(Article.objects.get(pk=article_id).tags.values_list("name", flat=True))

    assert tag_names(article.pk) == []
    article.tags.add(tag)
    assert tag_names(article.pk) == ["t"]
    tag.articles.remove(article)
    assert tag_names(article.pk) == []


def test_invalidate_for_after_update_and_bulk_create(make_product):
    from catalog.models import Category, Product

    product = make_product()
    price, _ = product_price_cache()
    price(product.pk)
    rows = Product.objects.filter(pk=product.pk)
    rows.update(price=Decimal("50.00"))
    assert price.get_cache_only(product.pk) == "10.00"
    # Other test modules also cache Product views, so at least this rule ran.
    assert invalidate_for(Product, rows, fields=["price"]) >= 1
    assert price(product.pk) == "50.00"

    @cache_result(ttl=60, invalidates_on=[InvalidationRule(model=Category, trigger_on_create=True)])
    def category_count():
        return Category.objects.count()

    before = category_count()
    created = Category.objects.bulk_create([Category(name="bulk", slug="bulk")])
    assert category_count() == before
    invalidate_for(Category, created, created=True)
    assert category_count() == before + 1


def test_invalidator_receives_the_instance_and_extras(make_product):
    from catalog.models import Product

    seen = []

    def invalidator(wrapper, instance, signal_type, instance_created):
        seen.append((instance.pk, signal_type.value, instance_created))
        wrapper.invalidate_all()

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(model=Product, invalidator=invalidator, trigger_on_create=True)
        ],
    )
    def anything(value):
        return value

    product = make_product()
    anything(1)
    product.save()
    assert anything.get_cache_only(1) is CACHE_MISSING
    assert seen == [(product.pk, "POST_SAVE", True), (product.pk, "POST_SAVE", False)]


def test_rewarm_recomputes_instead_of_deleting(make_product):
    product = make_product()
    price, calls = product_price_cache(rewarm=True)
    price(product.pk, currency="EUR")
    product.price = Decimal("15.00")
    product.save()
    assert price.get_cache_only(product.pk, currency="EUR") == "15.00"
    assert calls == [product.pk, product.pk]


def test_functions_with_arguments_need_a_mapping():
    from catalog.models import Product

    with pytest.raises(ValueError, match="field_mapping"):

        @cache_result(invalidates_on=[InvalidationRule(model=Product)])
        def price(product_id):
            return product_id


def test_rule_construction_errors():
    from catalog.models import Product

    with pytest.raises(ValueError, match="both"):
        InvalidationRule(model=Product, field_mapping={"a": "pk"}, invalidator=print)
    with pytest.raises(TypeError, match="neither callable"):
        InvalidationRule(model=Product, invalidator=3)
    with pytest.raises(TypeError, match="watch_fields"):
        InvalidationRule(model=Product, watch_fields="price")


def test_failing_rules_never_reach_the_code_that_saved(make_product, caplog):
    from catalog.models import Product

    def broken(wrapper, instance):
        raise RuntimeError("cache unavailable")

    @cache_result(ttl=60, invalidates_on=[InvalidationRule(model=Product, invalidator=broken)])
    def anything(value):
        return value

    product = make_product()
    with caplog.at_level(logging.WARNING, logger="restflow.caching"):
        product.save()
    assert any("failed" in record.getMessage() for record in caplog.records)


def test_unknown_dispatcher_falls_back_to_inline_with_a_warning(make_product, caplog):
    product = make_product()
    price, _ = product_price_cache(dispatcher="no_such_dispatcher")
    price(product.pk)
    with caplog.at_level(logging.WARNING, logger="restflow.caching"):
        product.save()
    assert price.get_cache_only(product.pk) is CACHE_MISSING
    assert any("no_such_dispatcher" in record.getMessage() for record in caplog.records)


async def test_ainvalidate_for_after_update(make_product):
    from asgiref.sync import sync_to_async
    from catalog.models import Product

    from restflow.caching import ainvalidate_for

    product = await sync_to_async(make_product)()
    price, _ = product_price_cache()
    await sync_to_async(price)(product.pk)
    await Product.objects.filter(pk=product.pk).aupdate(price=Decimal("70.00"))
    await ainvalidate_for(Product, [product], fields=["price"])
    assert await sync_to_async(price)(product.pk) == "70.00"


def test_rules_connect_without_the_app_installed(make_product, caplog):
    import logging

    from django.apps import apps

    installed = [app.name for app in apps.get_app_configs() if app.name != "restflow.caching"]
    product = make_product()
    from django.test import override_settings

    with override_settings(INSTALLED_APPS=installed), caplog.at_level(logging.WARNING):
        from restflow.caching.registry import CacheRegister

        CacheRegister._discovered = False
        try:
            price, _ = product_price_cache()
            price(product.pk)
            product.save()
            assert price.get_cache_only(product.pk) is CACHE_MISSING
        finally:
            CacheRegister._discovered = True
    assert any("INSTALLED_APPS" in record.getMessage() for record in caplog.records)


def test_failing_inline_rules_run_once_and_stay_out_of_save(make_product, caplog):
    import logging

    from catalog.models import Product
    from django.test import override_settings

    calls = []

    def broken(wrapper, instance):
        calls.append(instance.pk)
        raise RuntimeError("cache unavailable")

    @cache_result(
        ttl=60,
        invalidates_on=[InvalidationRule(model=Product, invalidator=broken, raise_exception=True)],
    )
    def anything(value):
        return value

    product = make_product()
    with (
        override_settings(
            RESTFLOW_SETTINGS={"CACHE_SETTINGS": {"DISPATCHER_RAISE_EXCEPTION": True}}
        ),
        caplog.at_level(logging.ERROR, logger="restflow.caching"),
    ):
        product.save()
    assert calls == [product.pk]
    assert any("failed" in record.getMessage() for record in caplog.records)


def test_batched_rules_share_one_job(make_product):
    from catalog.models import Product

    from restflow.caching.invalidation import collect_jobs
    from restflow.caching.registry import SignalType

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(model=Product, field_mapping={}, batch=True, dispatcher="threadpool"),
        ],
    )
    def first(value=None):
        return value

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(model=Product, field_mapping={}, batch=True, dispatcher="threadpool"),
        ],
    )
    def second(value=None):
        return value

    product = make_product()
    ids = {first.invalidates_on[0].rule_id, second.invalidates_on[0].rule_id}
    jobs = [
        job for _, job in collect_jobs(product, SignalType.POST_SAVE) if ids & set(job.rule_ids)
    ]
    assert len(jobs) == 1
    assert set(jobs[0].rule_ids) == ids


def test_require_args_list_and_false(make_product):
    from catalog.models import Product

    product = make_product(description="")
    seen = []

    def record(wrapper, instance):
        seen.append(instance.pk)

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(
                model=Product,
                field_mapping={"product_id": "pk", "brand_name": "brand.missing_attribute"},
                require_args=["product_id"],
            )
        ],
    )
    def lenient(product_id, brand_name=None):
        return product_id

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(
                model=Product,
                field_mapping={"product_id": "pk", "brand_name": "brand.missing_attribute"},
            )
        ],
    )
    def strict(product_id, brand_name=None):
        return product_id

    lenient(product.pk)
    strict(product.pk)
    product.save()
    assert lenient.get_cache_only(product.pk) is CACHE_MISSING
    assert strict.get_cache_only(product.pk) == product.pk


def test_watched_many_to_many_field():
    from tests.cacheapp.models import Article, Tag

    article = Article.objects.create(title="a")
    tag = Tag.objects.create(name="w")

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(
                model=Article, field_mapping={"article_id": "pk"}, watch_fields=["tags"]
            )
        ],
    )
    def tags_of(article_id):
        return list(Article.objects.get(pk=article_id).tags.values_list("name", flat=True))

    @cache_result(
        ttl=60,
        invalidates_on=[
            InvalidationRule(
                model=Article, field_mapping={"article_id": "pk"}, watch_fields=["title"]
            )
        ],
    )
    def title_of(article_id):
        return Article.objects.get(pk=article_id).title

    tags_of(article.pk)
    title_of(article.pk)
    article.tags.add(tag)
    assert tags_of.get_cache_only(article.pk) is CACHE_MISSING
    assert title_of.get_cache_only(article.pk) == "a"
