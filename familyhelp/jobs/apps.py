from django.apps import AppConfig


class JobsConfig(AppConfig):
    """Background jobs: our Job records over django-tasks (ADR 0018)."""

    name = "familyhelp.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app declares its job kinds and periodic work in `<app>/jobs.py` (like admin.py); the jobs app
        # imports none of them by name, so no domain app is a dependency of this one.
        from django.utils.module_loading import autodiscover_modules

        from familyhelp.jobs import builtin  # noqa: F401 - the jobs app's own kinds (pruning old result files)

        autodiscover_modules("jobs")
