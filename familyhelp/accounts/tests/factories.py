"""factory_boy factories for the council's organisation and its users."""

from __future__ import annotations

import factory

from familyhelp.accounts.models import User
from familyhelp.accounts.roles import Role
from familyhelp.organisation.models import LocalAuthority, Locality, PartnerAgency, School, Team


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority
        django_get_or_create = ("la_code",)

    name = "Brackenford Council"
    la_code = "873"
    child_population = 60000


class LocalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Locality
        django_get_or_create = ("local_authority", "name")

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    name = factory.Sequence(lambda n: f"Locality {n}")
    postcode_districts = "B90 B91"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    local_authority = factory.SubFactory(LocalAuthorityFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    kind = Team.Kind.FAMILY_SUPPORT
    service = factory.LazyAttribute(lambda o: Team.SERVICE_OF_KIND[Team.Kind(o.kind)])


class FrontDoorTeamFactory(TeamFactory):
    kind = Team.Kind.FRONT_DOOR
    name = factory.Sequence(lambda n: f"MASH {n}")


class ChildProtectionTeamFactory(TeamFactory):
    kind = Team.Kind.CHILD_PROTECTION


class PartnerAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerAgency

    name = factory.Sequence(lambda n: f"Agency {n}")
    kind = PartnerAgency.Kind.SCHOOL


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    urn = factory.Sequence(lambda n: f"{100000 + n}")
    name = factory.Sequence(lambda n: f"School {n}")
    phase = School.Phase.PRIMARY
    locality = factory.SubFactory(LocalityFactory)


JOB_OF_ROLE = {
    Role.FRONT_DOOR: User.JobRole.MASH_PRACTITIONER,
    Role.SOCIAL_WORKER: User.JobRole.SOCIAL_WORKER,
    Role.FAMILY_SUPPORT_WORKER: User.JobRole.FAMILY_SUPPORT_WORKER,
    Role.FAMILY_HELP_PRACTITIONER: User.JobRole.FAMILY_HELP_PRACTITIONER,
    Role.TEAM_MANAGER: User.JobRole.TEAM_MANAGER,
    Role.SPECIALIST_COORDINATOR: User.JobRole.SPECIALIST_COORDINATOR,
    Role.SENIOR_LEADER: User.JobRole.SENIOR_LEADER,
    Role.ANALYST: User.JobRole.ANALYST,
    Role.ADMINISTRATOR: User.JobRole.ADMINISTRATOR,
    Role.AUDITOR: User.JobRole.AUDITOR,
    Role.PARTNER: User.JobRole.PARTNER,
}


class UserFactory(factory.django.DjangoModelFactory):
    """A social worker in a family support team (override role/team for others)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda o: f"{o.username}@council.example")
    role = Role.SOCIAL_WORKER
    job_role = factory.LazyAttribute(lambda o: JOB_OF_ROLE[Role(o.role)])
    team = factory.SubFactory(TeamFactory)
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            obj.save()


class PartnerUserFactory(UserFactory):
    role = Role.PARTNER
    team = None
    partner_agency = factory.SubFactory(PartnerAgencyFactory)
