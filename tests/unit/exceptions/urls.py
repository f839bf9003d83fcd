"""Routes for the envelope and middleware tests, switched on with ``ROOT_URLCONF``."""

from django.urls import path

from tests.unit.exceptions import views

urlpatterns = [
    path("api/drf/ok/", views.drf_ok),
    path("api/drf/create-then-fail/", views.drf_create_then_fail),
    path("api/drf/<str:name>/", views.drf_raise),
    path("api/drf-async/<str:name>/", views.AsyncRaiseView.as_view()),
    path("api/drf-no-auth-header/<str:name>/", views.drf_raise_no_auth_header),
    path("api/plain/ok/", views.plain_ok),
    path("api/plain/stream/", views.plain_stream),
    path("api/async/stream/", views.async_stream),
    path("api/plain/counter/<str:token>/", views.plain_counter),
    path("api/async/counter/<str:token>/", views.async_counter),
    path("api/plain/context/", views.plain_context),
    path("api/async/context/", views.async_context),
    path("api/plain/teapot/", views.plain_teapot),
    path("api/plain/not-found/", views.plain_not_found),
    path("api/plain/form/", views.plain_form),
    path("api/plain/<str:name>/", views.plain_raise),
    path("api/async/ok/", views.async_ok),
    path("api/async/<str:name>/", views.async_raise),
    path("site/<str:name>/", views.plain_raise),
    path("site-ok/", views.plain_ok),
]
