"""Performance pages under /performance/ (each area's views module brings its own patterns)."""

from familyhelp.performance import views_dashboard, views_packs

app_name = "performance"
urlpatterns = [*views_dashboard.urlpatterns, *views_packs.urlpatterns]
