"""`familyhelp demo_setup`: make sure there is a demonstration council and print its logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from familyhelp.accounts.models import User
from familyhelp.organisation.models import LocalAuthority
from familyhelp.synthetic.demo import demo_logins
from familyhelp.synthetic.generator import generate


class Command(BaseCommand):
    help = (
        "If the database has no council yet, generate the small synthetic council (seed 1); then print one "
        "demonstration login per role."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet", action="store_true", help="No progress bar while generating.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not LocalAuthority.objects.exists():
            self.stdout.write("No council in the database yet: generating the small synthetic council (seed 1).")
            result = generate(preset="small", seed=1, progress=not options["quiet"])
            self.stdout.write(f"Generated {result.total_rows:,} rows in {result.seconds:.1f} s.")
        logins = demo_logins()
        present = set(User.objects.filter(username__in=[u for _, u, _ in logins]).values_list("username", flat=True))
        width = max(len(label) for label, _, _ in logins)
        self.stdout.write("")
        self.stdout.write(f"{'Role':<{width}}  {'Username':<14}  Password")
        self.stdout.write(f"{'-' * width}  {'-' * 14}  {'-' * 16}")
        for label, username, password in logins:
            missing = "" if username in present else "  (not in this database)"
            self.stdout.write(f"{label:<{width}}  {username:<14}  {password}{missing}")
        self.stdout.write("")
        self.stdout.write(
            "These are demonstration accounts with a published password: never use them with real data.\n"
            "The administrator (admin) will be asked to set up two-factor authentication with an authenticator "
            "app on first sign-in."
        )
