"""A URLconf with one view that declares no permission: used to prove the coverage test and the
middleware catch it."""

from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as real_patterns


def unchecked_view(request):  # type: ignore[no-untyped-def]
    """Forgot to declare a permission."""
    return HttpResponse("secret")


urlpatterns = [*real_patterns, path("unchecked/", unchecked_view, name="unchecked")]
handler403 = "familyhelp.frontend.views.permission_denied"
