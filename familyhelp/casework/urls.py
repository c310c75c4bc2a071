"""Casework pages under /cases/ (each area's views module brings its own patterns)."""

from familyhelp.casework.views import assessments, cases, plans, visits

app_name = "casework"
urlpatterns = [*cases.urlpatterns, *assessments.urlpatterns, *plans.urlpatterns, *visits.urlpatterns]
