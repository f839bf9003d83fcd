"""Routes for the token view tests: the three token views and one JWT-protected view."""

from __future__ import annotations

from django.urls import path
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from restflow.authentication.jwt_authentication import JWTAuthentication
from restflow.authentication.views import TokenBlacklistView, TokenObtainView, TokenRefreshView


class WhoAmIView(APIView):
    authentication_classes = [JWTAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"username": request.user.username})

    def post(self, request):
        return Response({"username": request.user.username}, status=201)


def reject_everyone(user) -> bool:
    return False


async def async_reject_everyone(user) -> bool:
    return False


async def async_allow_everyone(user) -> bool:
    return True


def staff_or_in_a_group(user) -> bool:
    # Queries the database, so it must not run on the event loop.
    return user.is_staff or user.groups.exists() or user.username == "alice"


urlpatterns = [
    path("api/auth/token/", TokenObtainView.as_view()),
    path("api/auth/token/refresh/", TokenRefreshView.as_view()),
    path("api/auth/token/blacklist/", TokenBlacklistView.as_view()),
    path("api/me/", WhoAmIView.as_view()),
]
