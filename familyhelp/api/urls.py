"""The REST API: /api/v1/ (resources), /api/schema/ (OpenAPI), /api/docs/ and /api/redoc/.

Every view declares `required_permissions`; see familyhelp.api.base and familyhelp.api.permissions.
"""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from familyhelp.accounts.declare import AUTHENTICATED
from familyhelp.api.authentication import ApiSessionAuthentication, ApiTokenAuthentication
from familyhelp.api.views import (
    casework_assessments,
    casework_cases,
    casework_plans,
    casework_visits,
    integration,
    name_variants,
    performance_dashboard,
    performance_packs,
    returns_annex_a,
    returns_cin,
    returns_ssda903,
    support_panels,
    support_practice,
    support_specialist,
    support_taf,
)
from familyhelp.api.views.audit import AccessLogViewSet
from familyhelp.api.views.frontdoor import (
    ContactViewSet,
    DecisionViewSet,
    LocalServiceViewSet,
    PartnerCheckViewSet,
    ReferralViewSet,
    ThresholdDocumentViewSet,
)
from familyhelp.api.views.me import MeView
from familyhelp.api.views.organisation import (
    LocalAuthorityViewSet,
    LocalityViewSet,
    PartnerAgencyViewSet,
    SchoolViewSet,
    TeamViewSet,
    UserAccountViewSet,
    WorkerViewSet,
)
from familyhelp.api.views.people import FamilyViewSet, PersonViewSet
from familyhelp.dedup.api import DuplicateCandidateViewSet, PersonMergeViewSet
from familyhelp.jobs.api import JobViewSet


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema (any signed-in user)."""

    required_permission = AUTHENTICATED
    authentication_classes = [ApiTokenAuthentication, ApiSessionAuthentication]


class SwaggerView(SpectacularSwaggerView):
    """Interactive API documentation."""

    required_permission = AUTHENTICATED
    authentication_classes = [ApiTokenAuthentication, ApiSessionAuthentication]


class RedocView(SpectacularRedocView):
    """Reference API documentation."""

    required_permission = AUTHENTICATED
    authentication_classes = [ApiTokenAuthentication, ApiSessionAuthentication]


router = SimpleRouter(use_regex_path=False)
router.register("people", PersonViewSet, basename="person")
router.register("families", FamilyViewSet, basename="family")
router.register("local-authorities", LocalAuthorityViewSet, basename="local-authority")
router.register("localities", LocalityViewSet, basename="locality")
router.register("teams", TeamViewSet, basename="team")
router.register("workers", WorkerViewSet, basename="worker")
router.register("schools", SchoolViewSet, basename="school")
router.register("partner-agencies", PartnerAgencyViewSet, basename="partner-agency")
router.register("users", UserAccountViewSet, basename="user")
router.register("audit/access-log", AccessLogViewSet, basename="access-log")
router.register("contacts", ContactViewSet, basename="contact")
router.register("partner-checks", PartnerCheckViewSet, basename="partner-check")
router.register("decisions", DecisionViewSet, basename="decision")
router.register("referrals", ReferralViewSet, basename="referral")
router.register("threshold-documents", ThresholdDocumentViewSet, basename="threshold-document")
router.register("local-services", LocalServiceViewSet, basename="local-service")
router.register("duplicates", DuplicateCandidateViewSet, basename="duplicate")
router.register("merges", PersonMergeViewSet, basename="merge")
router.register("jobs", JobViewSet, basename="job")  # background jobs (ADR 0018)
casework_cases.register(router)
casework_assessments.register(router)
casework_plans.register(router)
casework_visits.register(router)
returns_cin.register(router)
returns_ssda903.register(router)
returns_annex_a.register(router)
performance_dashboard.register(router)
performance_packs.register(router)
support_specialist.register(router)
support_taf.register(router)
support_panels.register(router)
support_practice.register(router)
integration.register(router)
name_variants.register(router)

app_name = "api"
urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", RedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/me/", MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
]
