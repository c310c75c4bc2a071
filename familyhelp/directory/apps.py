from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "familyhelp.directory"
    label = "directory"
    verbose_name = "Directory of local services"
