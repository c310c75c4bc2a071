"""factory_boy factories for people, one subclass per kind of record."""

from __future__ import annotations

import datetime

import factory

from familyhelp.core.sequences import next_value
from familyhelp.people import matching, name_index
from familyhelp.people.models import Family, Person, ProfessionalInvolvement, Relationship
from familyhelp.people.services import family_reference, person_reference


class ChildFactory(factory.django.DjangoModelFactory):
    """A child with a known date of birth (search keys filled as the services do)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    reference = factory.LazyFunction(lambda: person_reference(next_value("person")))
    kind = Person.Kind.CHILD
    given_names = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = datetime.date(2015, 6, 1)
    sex = "F"

    @factory.lazy_attribute
    def search_given(self) -> str:
        return matching.search_keys(self.given_names, self.family_name)["search_given"]

    @factory.lazy_attribute
    def search_family(self) -> str:
        return matching.search_keys(self.given_names, self.family_name)["search_family"]

    @factory.lazy_attribute
    def phonetic_given(self) -> str:
        return matching.phonetic(self.given_names)

    @factory.lazy_attribute
    def phonetic_family(self) -> str:
        return matching.phonetic(self.family_name)

    @factory.post_generation
    def name_keys(obj: Person, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        """Add the names to the search vocabulary, as the services do."""
        if create:
            name_index.register([(obj.search_given, obj.search_family)])


class UnbornChildFactory(ChildFactory):
    is_unborn = True
    date_of_birth = None
    expected_date_of_birth = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=60))


class RestrictedChildFactory(ChildFactory):
    is_restricted = True
    restricted_reason = "Child of a member of staff"


class AdultFactory(ChildFactory):
    kind = Person.Kind.ADULT
    date_of_birth = datetime.date(1988, 2, 14)


class InvolvementFactory(factory.django.DjangoModelFactory):
    """An allocated council worker (puts the child on the worker's caseload)."""

    class Meta:
        model = ProfessionalInvolvement

    person = factory.SubFactory(ChildFactory)
    role = ProfessionalInvolvement.Role.ALLOCATED_WORKER
    start_date = datetime.date(2024, 1, 1)


class ReferrerInvolvementFactory(InvolvementFactory):
    role = ProfessionalInvolvement.Role.REFERRER


class RelationshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Relationship

    type = Relationship.Type.PARENT


class FamilyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Family

    name = "Okafor family"
    reference = factory.LazyFunction(lambda: family_reference(next_value("family")))
