from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from familyhelp.accounts.declare import AUTHENTICATED

for _view in (SpectacularAPIView, SpectacularSwaggerView, SpectacularRedocView):
    _view.required_permission = AUTHENTICATED  # type: ignore[attr-defined]

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
