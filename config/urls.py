"""Top-level URL configuration. Every view must declare its permission (see accounts.declare)."""

from django.urls import include, path

from familyhelp.core import health

urlpatterns = [
    # Load-balancer probes (docs/operations/production.md): public, JSON, no personal data.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("familyhelp.frontend.urls")),
    path("accounts/", include("familyhelp.accounts.urls")),
    path("organisation/", include("familyhelp.organisation.urls")),
    path("people/", include("familyhelp.people.urls")),
    path("audit/", include("familyhelp.audit.urls")),
    path("front-door/", include("familyhelp.frontdoor.urls")),
    path("directory/", include("familyhelp.directory.urls")),
    path("duplicates/", include("familyhelp.dedup.urls")),
    path("cases/", include("familyhelp.casework.urls")),
    path("returns/", include("familyhelp.returns.urls")),
    path("performance/", include("familyhelp.performance.urls")),
    path("services/", include("familyhelp.specialist.urls")),
    path("taf/", include("familyhelp.taf.urls")),
    path("panels/", include("familyhelp.panels.urls")),
    path("practice/", include("familyhelp.practice.urls")),
    path("jobs/", include("familyhelp.jobs.urls")),
    path("api/", include("familyhelp.api.urls")),
]

handler403 = "familyhelp.frontend.views.permission_denied"
handler404 = "familyhelp.frontend.views.page_not_found"
handler500 = "familyhelp.frontend.views.server_error"
