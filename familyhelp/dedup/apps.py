from django.apps import AppConfig


class DedupConfig(AppConfig):
    name = "familyhelp.dedup"
    label = "dedup"
    verbose_name = "Duplicate records"

    def ready(self) -> None:
        # Register `familyhelp bench dedup` with the benchmark registry.
        from familyhelp.dedup import bench  # noqa: F401
