"""Statutory returns pages under /returns/ (each area's views module brings its own patterns)."""

from familyhelp.returns import views_annex_a, views_cin, views_ssda903

app_name = "returns"
urlpatterns = [*views_annex_a.urlpatterns, *views_cin.urlpatterns, *views_ssda903.urlpatterns]
