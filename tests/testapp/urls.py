"""URLs of the shared test app; feature tests add their routes to their own modules."""

urlpatterns: list = []
