"""Code lists from the DfE Children in Need census, kept as data with their descriptions."""

from __future__ import annotations

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known or not recorded"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism or Asperger syndrome"
    DDA = "DDA", "Other disability (Disability Discrimination Act)"


class UPNUnknown(models.TextChoices):
    UN1 = "UN1", "Child is now ceased to be looked after / not of school age"
    UN2 = "UN2", "Child has never attended school or nursery"
    UN3 = "UN3", "Child is being educated outside England"
    UN4 = "UN4", "Child is newly arrived in England; UPN not yet obtained"
    UN5 = "UN5", "Sources collating UPNs reflect discrepancy"
    UN6 = "UN6", "Child is aged under 6 and UPN not yet obtained"
    UN7 = "UN7", "Child is an unborn child"


class ReferralSource(models.TextChoices):
    """CIN census ReferralSource."""

    S1A = "1A", "Individual: family member, relative or carer"
    S1B = "1B", "Individual: acquaintance (including neighbours and child minders)"
    S1C = "1C", "Individual: self"
    S1D = "1D", "Individual: other"
    S2A = "2A", "Schools"
    S2B = "2B", "Education services"
    S3A = "3A", "Health services: GP"
    S3B = "3B", "Health services: health visitor"
    S3C = "3C", "Health services: school nurse"
    S3D = "3D", "Health services: other primary health services"
    S3E = "3E", "Health services: A&E (emergency department)"
    S3F = "3F", "Health services: other"
    S4 = "4", "Housing"
    S5A = "5A", "LA services: social care (for example adult social care)"
    S5B = "5B", "LA services: other internal department"
    S5C = "5C", "LA services: external (for example another council's children's services)"
    S5D = "5D", "LA services: early help"
    S6 = "6", "Police"
    S7 = "7", "Other legal agency"
    S8 = "8", "Other"
    S9 = "9", "Anonymous"
    S10 = "10", "Unknown"


class PrimaryNeed(models.TextChoices):
    """CIN census PrimaryNeedCode."""

    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability or illness"
    N3 = "N3", "Parental illness or disability"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"
    N0 = "N0", "Not stated"


class AssessmentFactor(models.TextChoices):
    """CIN census assessment factors (FactorsIdentifiedAtAssessment), also used to describe contacts."""

    F1A = "1A", "Alcohol misuse: concerns about the child"
    F1B = "1B", "Alcohol misuse: concerns about the parent or carer"
    F1C = "1C", "Alcohol misuse: concerns about another person living in the household"
    F2A = "2A", "Drug misuse: concerns about the child"
    F2B = "2B", "Drug misuse: concerns about the parent or carer"
    F2C = "2C", "Drug misuse: concerns about another person living in the household"
    F3A = "3A", "Domestic abuse: concerns about the child being the subject"
    F3B = "3B", "Domestic abuse: concerns about the parent or carer being the subject"
    F3C = "3C", "Domestic abuse: concerns about another person living in the household being the subject"
    F4A = "4A", "Mental health: concerns about the child"
    F4B = "4B", "Mental health: concerns about the parent or carer"
    F4C = "4C", "Mental health: concerns about another person living in the household"
    F5A = "5A", "Learning disability: concerns about the child"
    F5B = "5B", "Learning disability: concerns about the parent or carer"
    F5C = "5C", "Learning disability: concerns about another person living in the household"
    F6A = "6A", "Physical disability or illness: concerns about the child"
    F6B = "6B", "Physical disability or illness: concerns about the parent or carer"
    F6C = "6C", "Physical disability or illness: concerns about another person living in the household"
    F7A = "7A", "Young carer"
    F8B = "8B", "Privately fostered: overseas child who intends to return"
    F8C = "8C", "Privately fostered: overseas child who intends to stay"
    F8D = "8D", "Privately fostered: UK child in education or training"
    F8E = "8E", "Privately fostered: UK child whose parents cannot care"
    F8F = "8F", "Privately fostered: other"
    F9A = "9A", "Unaccompanied asylum-seeking child"
    F10A = "10A", "Going or being missing"
    F11A = "11A", "Child sexual exploitation"
    F12A = "12A", "Trafficking"
    F13A = "13A", "Gangs"
    F14A = "14A", "Socially unacceptable behaviour"
    F15A = "15A", "Self-harm"
    F16A = "16A", "Neglect"
    F17A = "17A", "Emotional abuse"
    F18B = "18B", "Physical abuse: by an adult"
    F18C = "18C", "Physical abuse: by another child"
    F19B = "19B", "Sexual abuse: by an adult"
    F19C = "19C", "Sexual abuse: by another child"
    F20 = "20", "Other"
    F21 = "21", "No factors identified"
    F22A = "22A", "Female genital mutilation"
    F23A = "23A", "Abuse linked to faith or belief"
    F24A = "24A", "Child criminal exploitation"


# Factors that mean criminal exploitation is being considered: the Youth Offending Service screens these.
EXPLOITATION_FACTORS = frozenset({"24A", "13A", "12A"})
# Factors of domestic abuse (a contact with these can be triaged in the domestic abuse queue).
DOMESTIC_ABUSE_FACTORS = frozenset({"3A", "3B", "3C"})


class ReasonForClosure(models.TextChoices):
    """CIN census ReasonForClosure."""

    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care services"
    RC7 = "RC7", "Services ceased for any other reason, including the child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"
