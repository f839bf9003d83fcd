"""django-ninja: a ModelSchema, a FilterSchema, ninja's page-number paginator, a PyJWT bearer."""

# No `from __future__ import annotations`: ninja reads the parameter annotations of
# views defined inside a function, which string annotations would hide from it.

from decimal import Decimal

import jwt
from catalog.models import Product
from django.conf import settings
from django.shortcuts import aget_object_or_404
from django.urls import path
from ninja import Field, FilterSchema, ModelSchema, NinjaAPI, Query
from ninja.pagination import PageNumberPagination, paginate
from ninja.security import HttpBearer

from bench.stacks.common import ALIASES, FIELDS, PAGE_SIZE, aslow_dependency

api = NinjaAPI(urls_namespace="bench-ninja", docs_url=None, openapi_url=None)


class ProductOut(ModelSchema):
    class Meta:
        model = Product
        fields = FIELDS


class ProductFilter(FilterSchema):
    price__gte: Decimal | None = Field(None, q="price__gte")
    price__lte: Decimal | None = Field(None, q="price__lte")
    category: int | None = Field(None, q="category_id")
    in_stock: bool | None = Field(None, q="in_stock")


class Bearer(HttpBearer):
    def authenticate(self, request, token):
        try:
            return jwt.decode(token, settings.SECRET_KEY, algorithms=["HS256"])
        except jwt.InvalidTokenError:
            return None


def _ordering(value: str) -> tuple[str, ...]:
    return (
        ("-price", "id") if value == "-price" else ("price", "id") if value == "price" else ("id",)
    )


def register_list(db: str, alias: str, slow: bool) -> None:
    route = "slow-products" if slow else "products"

    @api.get(f"/{db}/{route}/", response=list[ProductOut], url_name=f"{db}-{route}")
    @paginate(PageNumberPagination, page_size=PAGE_SIZE)
    async def product_list(request, filters: Query[ProductFilter], ordering: str = "id"):
        if slow:
            await aslow_dependency()
        queryset = filters.filter(Product.objects.using(alias).all())
        return queryset.order_by(*_ordering(ordering))


for _db, _alias in ALIASES.items():
    register_list(_db, _alias, slow=False)
    register_list(_db, _alias, slow=True)


@api.get("/pg/products/{pk}/", response=ProductOut, auth=Bearer())
async def product_detail(request, pk: int):
    return await aget_object_or_404(Product, pk=pk)


urlpatterns = [path("", api.urls)]
