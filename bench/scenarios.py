"""The requests of scenarios 1-4 and 7, per stack: path, query string, headers, application."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

STACKS = ("floor", "drf", "adrf", "ninja", "restflow")
LABELS = {
    "floor": "floor (plain async Django view)",
    "drf": "DRF + django-filter + simplejwt",
    "adrf": "adrf",
    "ninja": "django-ninja",
    "restflow": "restflow",
}
LIST_QUERY = urlencode(
    {
        "price__gte": "100",
        "price__lte": "400",
        "category": "3",
        "in_stock": "true",
        "ordering": "-price",
        "page": "2",
    }
)
DEEP_POSITIONS = (1, 100, 10_000)
DEEP_PAGE_SIZE = 50
DETAIL_PK = 4242


@dataclass(frozen=True)
class Case:
    """One measured request: which scenario, which variant, and how to send it."""

    scenario: str
    variant: str
    stack: str
    path: str
    query: str = ""
    headers: dict = field(default_factory=dict)
    app: str = "plain"

    @property
    def key(self) -> str:
        return f"{self.scenario}|{self.variant}|{self.stack}"


def restflow_cursor(after_id: int) -> str:
    """Return restflow's cursor for the page that starts after ``after_id`` (ordering ``id``)."""
    querystring = urlencode({"r": "0", "p": json.dumps([after_id], separators=(",", ":"))})
    return base64.b64encode(querystring.encode("ascii")).decode("ascii")


def cases(tokens: dict[str, str]) -> list[Case]:
    """Return every in-process and load-test case; ``tokens`` maps stack to a bearer token."""
    result: list[Case] = []
    for db in ("pg", "sqlite"):
        for stack in STACKS:
            result.append(Case("1", db, stack, f"/{stack}/{db}/products/", LIST_QUERY))
    for stack in ("floor", "drf", "ninja", "restflow"):
        headers = {"Authorization": f"Bearer {tokens[stack]}"}
        result.append(Case("2", "pg", stack, f"/{stack}/pg/products/{DETAIL_PK}/", "", headers))
    result.append(
        Case(
            "2",
            "pg",
            "restflow-stateless",
            f"/restflow/pg/stateless-products/{DETAIL_PK}/",
            "",
            {"Authorization": f"Bearer {tokens['restflow']}"},
        )
    )
    result += [
        Case("3", "constant bytes", "floor", f"/floor/pg/constant/{DETAIL_PK}/"),
        Case("3", "@cache_response", "restflow", f"/restflow/pg/cached/{DETAIL_PK}/"),
        Case(
            "3",
            "route rule (middleware)",
            "restflow",
            f"/restflow/pg/rule-cached/{DETAIL_PK}/",
            app="rules",
        ),
    ]
    for position in DEEP_POSITIONS:
        after = (position - 1) * DEEP_PAGE_SIZE
        variant = f"page {position:,}"
        result += [
            Case("4", variant, "floor", "/floor/deep/keyset/", urlencode({"after": after})),
            Case(
                "4",
                variant,
                "restflow-cursor",
                "/restflow/deep/cursor/",
                urlencode({"cursor": restflow_cursor(after)}) if after else "",
            ),
            Case("4", variant, "restflow-fast", "/restflow/deep/pages/", f"page={position}"),
            Case("4", variant, "drf", "/drf/deep/pages/", f"page={position}"),
        ]
    return result


def slow_cases() -> list[Case]:
    """Return scenario 7: scenario 1 on PostgreSQL with 5 ms of simulated I/O per request."""
    return [
        Case("7", "pg, 64 clients", stack, f"/{stack}/pg/slow-products/", LIST_QUERY)
        for stack in STACKS
    ]


def server_stack(case: Case) -> str:
    """Return the stack whose server answers ``case`` (scenario 4 variants share restflow's)."""
    return case.path.split("/")[1]
