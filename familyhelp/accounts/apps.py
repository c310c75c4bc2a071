from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "familyhelp.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"
