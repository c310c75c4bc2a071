from django.urls import path

from familyhelp.people import views

app_name = "people"
urlpatterns = [
    path("search/", views.PersonSearchView.as_view(), name="search"),
    path("new/", views.PersonCreateView.as_view(), name="create"),
    path("name-variants/", views.NameVariantListView.as_view(), name="name_variants"),
    path("name-variants/<uuid:pk>/remove/", views.NameVariantRemoveView.as_view(), name="name_variant_remove"),
    path("<uuid:pk>/", views.PersonDetailView.as_view(), name="detail"),
    path("<uuid:pk>/edit/", views.PersonEditView.as_view(), name="edit"),
    path("<uuid:pk>/break-glass/", views.BreakGlassView.as_view(), name="break_glass"),
    path("<uuid:pk>/addresses/new/", views.AddressAddView.as_view(), name="address_add"),
    path("<uuid:pk>/names/new/", views.NameAddView.as_view(), name="name_add"),
    path("<uuid:pk>/relationships/new/", views.RelationshipAddView.as_view(), name="relationship_add"),
    path("<uuid:pk>/professionals/new/", views.InvolvementAddView.as_view(), name="involvement_add"),
    path(
        "<uuid:pk>/professionals/<uuid:involvement_pk>/end/", views.InvolvementEndView.as_view(), name="involvement_end"
    ),
    path("<uuid:pk>/chronology/new/", views.SignificantEventAddView.as_view(), name="event_add"),
    path("<uuid:pk>/restriction/", views.RestrictView.as_view(), name="restrict"),
    path("<uuid:pk>/access/new/", views.GrantAccessView.as_view(), name="grant_add"),
    path("<uuid:pk>/access/<uuid:grant_pk>/remove/", views.GrantRevokeView.as_view(), name="grant_revoke"),
    path("<uuid:pk>/families/new/", views.FamilyCreateView.as_view(), name="family_create"),
    path("families/<uuid:pk>/", views.FamilyDetailView.as_view(), name="family"),
]
