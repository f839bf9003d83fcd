"""The negotiation shortcut of AsyncAPIView gives DRF's choice, and steps aside otherwise."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer, TemplateHTMLRenderer
from rest_framework.response import Response

from restflow.permissions import AllowAny
from restflow.test import AsyncAPIRequestFactory
from restflow.views import AsyncAPIView

factory = AsyncAPIRequestFactory()


class CharsetJSON(JSONRenderer):
    media_type = "application/json; charset=utf-8"


class Echo(AsyncAPIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer]

    async def get(self, request):
        return Response({"ok": True})


def negotiate(view_class: type, path: str, accept: str | None) -> tuple[Any, Any]:
    """Return (the shortcut's result, DRF's result) for one request."""
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    request = factory.get(path, **extra)
    view = view_class()
    drf_request = view.initialize_request(request)
    view.request = drf_request
    view.format_kwarg = None
    shortcut = view._aobvious_renderer(drf_request)
    renderer, media_type = DefaultContentNegotiation().select_renderer(
        drf_request, view.get_renderers()
    )
    return shortcut, (type(renderer), media_type)


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
@pytest.mark.parametrize(
    "renderers",
    [[JSONRenderer, BrowsableAPIRenderer], [BrowsableAPIRenderer, JSONRenderer]],
    ids=["json-first", "html-first"],
)
def test_shortcut_agrees_with_drf(accept, renderers):
    view_class = type("V", (Echo,), {"renderer_classes": renderers})
    shortcut, drf = negotiate(view_class, "/", accept)
    first_type = renderers[0].media_type
    if accept in (None, "*/*", first_type):
        assert shortcut is not None
        assert (type(shortcut[0]), shortcut[1]) == drf
    else:
        assert shortcut is None


@pytest.mark.parametrize(
    ("renderers", "path", "accept"),
    [
        ([JSONRenderer, BrowsableAPIRenderer], "/?format=api", None),
        ([JSONRenderer, BrowsableAPIRenderer], "/", "text/html"),
        ([JSONRenderer, BrowsableAPIRenderer], "/", "application/json; indent=4"),
        ([JSONRenderer, BrowsableAPIRenderer], "/", "text/html, */*;q=0.8"),
        ([CharsetJSON], "/", None),
        ([], "/", None),
    ],
    ids=["format-param", "html", "params", "list", "renderer-params", "no-renderers"],
)
def test_shortcut_steps_aside_when_drf_must_decide(renderers, path, accept):
    view_class = type("V", (Echo,), {"renderer_classes": renderers})
    extra = {} if accept is None else {"HTTP_ACCEPT": accept}
    view = view_class()
    view.request = drf_request = view.initialize_request(factory.get(path, **extra))
    view.format_kwarg = None
    assert view._aobvious_renderer(drf_request) is None


def render(view_class: type, path: str = "/", **extra: Any) -> Any:
    response = async_to_sync(view_class.as_view())(factory.get(path, **extra))
    response.render()
    return response


def test_responses_keep_drfs_content_types():
    assert render(Echo)["Content-Type"] == "application/json"
    assert render(Echo, HTTP_ACCEPT="application/json")["Content-Type"] == "application/json"
    html = render(Echo, HTTP_ACCEPT="text/html")
    assert html["Content-Type"].startswith("text/html")
    assert render(Echo, "/?format=api")["Content-Type"].startswith("text/html")
    indented = render(Echo, HTTP_ACCEPT="application/json; indent=2")
    assert indented.content == b'{\n  "ok": true\n}'
    assert render(Echo, HTTP_ACCEPT="image/png").status_code == 406


class Recording(DefaultContentNegotiation):
    calls: list[str] = []

    def select_renderer(self, request, renderers, format_suffix=None):
        Recording.calls.append("select_renderer")
        return super().select_renderer(request, renderers, format_suffix)


class Overridden(Echo):
    def perform_content_negotiation(self, request, force=False):
        Recording.calls.append("perform_content_negotiation")
        return super().perform_content_negotiation(request, force)


def test_custom_negotiation_and_overrides_still_run():
    Recording.calls = []
    render(type("V", (Echo,), {"content_negotiation_class": Recording}))
    assert Recording.calls == ["select_renderer"]
    Recording.calls = []
    render(Overridden)
    assert Recording.calls == ["perform_content_negotiation"]


def test_template_renderer_first_is_chosen_like_drf():
    view_class = type("V", (Echo,), {"renderer_classes": [TemplateHTMLRenderer, JSONRenderer]})
    shortcut, drf = negotiate(view_class, "/", None)
    assert shortcut is not None
    assert (type(shortcut[0]), shortcut[1]) == drf
