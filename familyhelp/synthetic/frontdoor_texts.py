"""Words for the synthetic front door: what referrers say, what partners answer, why the front door decided.

Each concern *theme* has the CIN assessment factors it usually carries, the primary need a referral for it
is recorded under, and a few ways a referrer puts it. Placeholders: {child} (first child's name as given),
{children} (all of them), {he}/{his}/{him}, {mum}, {partner}, {school}, {town}, {n}, {pct}, {risk}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    key: str
    factors: tuple[str, ...]  # always recorded
    need: str  # CIN primary need code for a referral
    texts: tuple[str, ...]
    min_age: int = 0  # years, at the contact
    max_age: int = 17


THEMES: dict[str, Theme] = {
    t.key: t
    for t in (
        Theme(
            "domestic_abuse",
            ("3B",),
            "N1",
            (
                "Police attended the family home at {hour} after neighbours reported shouting and banging. {mum} said "
                "{partner} had grabbed her by the throat during an argument about money. {children} {was} in the "
                "house at the time. {partner} was arrested and bailed with conditions not to return. "
                "DASH risk: {risk}.",
                "Domestic incident reported by {mum}: {partner} smashed her phone and pushed her into a door. "
                "{children} witnessed it and {child} tried to get between them. This is the {nth} incident "
                "recorded at the address this year. DASH risk: {risk}.",
                "Verbal argument between {mum} and {partner}, no injuries. Both had been drinking. {children} {was} "
                "asleep upstairs. Officers gave advice. DASH risk: {risk}.",
            ),
        ),
        Theme(
            "neglect",
            ("16A",),
            "N1",
            (
                "{child} has come to {school} hungry most mornings this half term and has been wearing the same "
                "clothes all week. Staff have noticed {he} smells and has untreated head lice. Attempts to speak to "
                "{mum} have not been successful.",
                "Health visitor visited and found the home cold with little food in the cupboards. {child} had a "
                "severe nappy rash and has missed two immunisation appointments. {mum} appeared low and overwhelmed.",
                "{child} is often collected late from {school} and has been seen walking home alone after dark. "
                "{his} attendance has dropped to {pct}% and {he} says there is no food at home.",
            ),
        ),
        Theme(
            "physical_abuse",
            ("18B",),
            "N1",
            (
                "{child} arrived at {school} with a bruise to {his} left cheek and said '{partner} got cross with "
                "me'. {he} was reluctant to say more and asked staff not to tell {mum}.",
                "{child} was brought to A&E with a fractured arm. The explanation given by {mum} (a fall from the "
                "sofa) does not fit the injury according to the paediatric registrar.",
                "During PE a member of staff saw finger-tip bruising on {child}'s upper arms. {he} said {his} dad "
                "holds {him} hard when {he} is naughty.",
            ),
        ),
        Theme(
            "emotional_abuse",
            ("17A",),
            "N1",
            (
                "{child} told {his} teacher that {mum} calls {him} stupid and says she wishes {he} had never been "
                "born. {he} is withdrawn in class and has started wetting {him}self at school.",
                "Neighbour reports hearing {partner} screaming at {children} most evenings and threatening to put "
                "{child} out on the street.",
            ),
        ),
        Theme(
            "sexual_abuse",
            ("19B",),
            "N1",
            (
                "{child} disclosed to a teaching assistant that an older cousin touches {him} when {he} stays at "
                "{his} nan's house. {he} was very upset and did not want to go home.",
                "Concerns about {child}'s sexualised behaviour in the nursery and comments about a 'secret game' "
                "with an adult visitor to the home.",
            ),
            min_age=2,
        ),
        Theme(
            "parental_mental_health",
            ("4B",),
            "N3",
            (
                "{mum} told the GP she has been struggling with low mood since {child} was born, is not sleeping, "
                "and has had thoughts of harming herself. She is caring for {children} alone.",
                "{mum} was detained under the Mental Health Act overnight. {children} {was} left with a neighbour; "
                "there is no family member able to care for them long term.",
                "Community mental health team concerned that {mum} has stopped taking her medication and is "
                "becoming paranoid. {children} {is} living with her.",
            ),
        ),
        Theme(
            "parental_substance_misuse",
            ("2B",),
            "N5",
            (
                "Police found drug paraphernalia within reach of {child} during a search of the address. {mum} "
                "and {partner} appeared to be under the influence.",
                "{mum} attended the school gate smelling strongly of alcohol and unsteady on her feet; staff were "
                "unwilling to release {child} to her. This is the third time this term.",
            ),
        ),
        Theme(
            "child_mental_health",
            ("4A", "15A"),
            "N5",
            (
                "{child} disclosed to the school nurse that {he} has been cutting {his} arms for several months and "
                "has thought about ending {his} life. Parents are aware and waiting for a CAMHS appointment.",
                "{child} was seen in A&E after taking an overdose of paracetamol. Discharged home with a CAMHS "
                "follow-up; {mum} says she cannot keep {him} safe.",
            ),
            min_age=10,
        ),
        Theme(
            "exploitation",
            ("10A", "24A"),
            "N6",
            (
                "{child} has been reported missing {n} times in the last month and was found in {town} with "
                "older males. {he} has a new phone and expensive clothes the family cannot explain.",
                "{child} was stopped by police carrying a quantity of cannabis and £400 in cash. {he} would not "
                "say who the drugs belonged to. Concerns about county lines involvement.",
            ),
            min_age=11,
        ),
        Theme(
            "sexual_exploitation",
            ("10A", "11A"),
            "N1",
            (
                "{child} has been staying out overnight and was seen getting into cars with adult men near the "
                "bus station. {his} friends have told staff {he} has an older 'boyfriend'.",
            ),
            min_age=12,
        ),
        Theme(
            "behaviour",
            ("14A",),
            "N6",
            (
                "{child} has been excluded for five days after assaulting a member of staff. Parents say they "
                "cannot manage {his} behaviour at home and have asked for help.",
                "{child} is refusing to go to {school} and has been aggressive towards {mum}, breaking furniture "
                "at home. {mum} is asking for support.",
            ),
            min_age=6,
        ),
        Theme(
            "young_carer",
            ("7A", "6B"),
            "N3",
            (
                "{child} is caring for {mum}, who has multiple sclerosis, and for younger siblings; {he} is often "
                "late for {school} and exhausted. {he} has asked whether there is any help.",
            ),
            min_age=8,
        ),
        Theme(
            "disability",
            ("6A", "5A"),
            "N2",
            (
                "Family struggling to care for {child}, who has complex needs and does not sleep. {mum} is "
                "exhausted and has asked for short breaks. No safeguarding concerns identified.",
                "{child} has autism and severe learning disabilities; parents are at breaking point and the school "
                "is worried about the family's resilience over the holidays.",
            ),
        ),
        Theme(
            "housing",
            ("20",),
            "N4",
            (
                "The family has been evicted and is in temporary bed and breakfast accommodation in {town}. "
                "{children} {is} sharing one room with {mum}; school attendance has suffered.",
                "Housing officer reports the family is in rent arrears and facing eviction. The property has "
                "damp and mould; {child} has repeated chest infections.",
            ),
        ),
        Theme(
            "attendance",
            ("20",),
            "N5",
            (
                "{child}'s attendance is {pct}% this term with many unexplained absences. Letters and home visits "
                "have had no response. The school is worried about what is happening at home.",
                "{child} has been missing education since the family moved; {mum} says she is home educating but "
                "has not replied to the local authority's contact.",
            ),
            min_age=5,
        ),
        Theme(
            "family_conflict",
            ("20",),
            "N5",
            (
                "Parents separated recently and there are frequent arguments at handovers in front of {children}. "
                "{child} has told staff {he} is worried about {mum}.",
                "{mum} rang asking for help: she is struggling to cope with {children}, money is tight and she "
                "feels she has no one to turn to.",
            ),
        ),
        Theme(
            "low_income",
            ("20",),
            "N7",
            (
                "Family referred by the food bank: no income since benefits were stopped, no gas or electricity "
                "credit, and {children} {is} going without meals.",
            ),
        ),
        Theme(
            "pre_birth",
            ("4B", "2B"),
            "N1",
            (
                "Midwife concerned about {mum}, who is {n} weeks pregnant: previous children were removed from her "
                "care, she is using cannabis daily and has missed antenatal appointments.",
                "Pre-birth referral from the midwife: {mum} discloses domestic abuse from {partner}, who will be "
                "living with her when the baby is born.",
            ),
        ),
        Theme(
            "asylum",
            ("9A",),
            "N8",
            (
                "Young person arrived in {town} unaccompanied and has claimed asylum. Says {he} travelled through "
                "several countries over many months; no family in the UK. Needs accommodation tonight.",
            ),
            min_age=13,
        ),
    )
}

# How likely each theme is, by the outcome the front door reached (weights; themes a child is too young or
# too old for are skipped).
THEME_WEIGHTS: dict[str, dict[str, float]] = {
    "low": {  # no further action, information and advice, signposting
        "domestic_abuse": 6,
        "neglect": 4,
        "emotional_abuse": 3,
        "parental_mental_health": 7,
        "parental_substance_misuse": 3,
        "child_mental_health": 7,
        "behaviour": 10,
        "young_carer": 3,
        "disability": 5,
        "housing": 8,
        "attendance": 12,
        "family_conflict": 12,
        "low_income": 5,
        "physical_abuse": 2,
    },
    "family_support": {
        "domestic_abuse": 12,
        "neglect": 8,
        "parental_mental_health": 10,
        "parental_substance_misuse": 5,
        "child_mental_health": 6,
        "behaviour": 10,
        "young_carer": 4,
        "disability": 6,
        "housing": 6,
        "attendance": 10,
        "family_conflict": 12,
        "exploitation": 2,
        "emotional_abuse": 3,
    },
    "single_assessment": {
        "domestic_abuse": 14,
        "neglect": 16,
        "physical_abuse": 9,
        "emotional_abuse": 8,
        "parental_mental_health": 10,
        "parental_substance_misuse": 9,
        "child_mental_health": 6,
        "exploitation": 5,
        "disability": 5,
        "sexual_exploitation": 2,
        "pre_birth": 3,
        "asylum": 1,
    },
    "strategy_discussion": {
        "physical_abuse": 30,
        "sexual_abuse": 18,
        "domestic_abuse": 14,
        "neglect": 10,
        "sexual_exploitation": 8,
        "exploitation": 8,
        "emotional_abuse": 3,
        "pre_birth": 4,
    },
}

# Factors often recorded alongside the theme's own (each with its chance), so that domestic abuse and
# parental mental health are each in over a third of referrals, as nationally.
EXTRA_FACTORS: tuple[tuple[str, float], ...] = (
    ("4B", 0.28),
    ("3B", 0.18),
    ("2B", 0.10),
    ("1B", 0.10),
    ("3A", 0.06),
    ("4A", 0.04),
    ("17A", 0.06),
)

# Primary need recorded on a referral, when the theme does not settle it (CIN census shares, roughly).
NEED_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("N1", 0.57),
    ("N2", 0.07),
    ("N3", 0.04),
    ("N4", 0.08),
    ("N5", 0.15),
    ("N6", 0.03),
    ("N7", 0.01),
    ("N8", 0.04),
    ("N9", 0.005),
    ("N0", 0.005),
)

RATIONALE: dict[str, tuple[str, ...]] = {
    "nfa": (
        "The information does not indicate that the child has additional needs; universal services are meeting "
        "them (threshold document level {level}). No further action.",
        "A single incident, with protective parents who have acted on it. Needs met by universal services: no "
        "further action.",
        "The family has declined support and there are no safeguarding concerns that would justify acting without "
        "consent. No further action; the referrer is asked to refer again if concerns grow.",
    ),
    "advice": (
        "Needs can be met by the family with advice (threshold document level {level}). Information and advice "
        "given to the parent and the referrer.",
        "Advice given to the referrer about supporting the child in school and when to refer again.",
    ),
    "signpost": (
        "Emerging needs that a single service can meet with the family's agreement (level {level}). Signposted "
        "to {service}.",
        "The family would benefit from universal and community support. Signposted to {service}; the family "
        "agreed to be contacted.",
    ),
    "family_support": (
        "Several needs that need a coordinated plan from more than one service (level 3). The family consents to "
        "a family support assessment.",
        "Level 3: the parent has asked for help and the concerns can be met through targeted family support with "
        "a lead practitioner and a team around the family.",
    ),
    "single_assessment": (
        "The child's development is likely to be significantly impaired without services (level 4, section 17). "
        "Refer to children's social care for a single assessment.",
        "Level 4: cumulative concerns over time and parental capacity to change is unclear. A single assessment "
        "is needed.",
    ),
    "strategy_discussion": (
        "Reasonable cause to suspect the child is suffering, or likely to suffer, significant harm. Strategy "
        "discussion with police and health today; section 47 enquiry likely.",
        "Level 4: an injury with no satisfactory explanation. Strategy discussion convened; the child to be seen "
        "today.",
    ),
}

FEEDBACK: dict[str, str] = {
    "nfa": "Thank you for your referral. The front door has decided no further action is needed at this time. "
    "Please refer again if your concerns grow.",
    "advice": "Thank you. The front door has given the family information and advice; no further involvement is "
    "planned.",
    "signpost": "Thank you. The family has been signposted to {service}.",
    "family_support": "Thank you. The family will be offered targeted family support; a family support worker "
    "will be in touch with them.",
    "single_assessment": "Thank you. A social worker will carry out a single assessment; they may contact you "
    "for more information.",
    "strategy_discussion": "Thank you. A strategy discussion has been held and enquiries under section 47 are "
    "under way. A social worker will contact you.",
}

RETURN_COMMENTS = (
    "Please wait for the police check before deciding.",
    "I think this is level 3 rather than level 2: please reconsider with the history in mind.",
    "Please speak to the school and add what they know before we decide.",
    "The rationale needs to address the previous referral.",
)

LAWFUL_BASIS = (
    "Sharing without consent to safeguard the child (Children Act 1989 s47; UK GDPR Article 6(1)(e) and "
    "Article 9(2)(g)). Seeking consent would place the child at risk.",
    "Consent refused by the parent. Information shared because of concern for the child's welfare (Working "
    "Together 2023; Data Protection Act 2018 Schedule 8).",
    "Police domestic abuse notification: shared under the duty to safeguard children (Children Act 2004 s11).",
)

# What partners tell the front door, by check type and RAG rating.
CHECK_INFORMATION: dict[str, dict[str, tuple[str, ...]]] = {
    "Police": {
        "red": (
            "Three domestic incidents at the address in the last 12 months, one high-risk. Partner has previous "
            "convictions for violence against a former partner.",
            "Adult in the household is a registered sex offender (MAPPA level 2).",
        ),
        "amber": (
            "One domestic incident last year (standard risk). Mother's partner known for possession of cannabis.",
            "Two calls to the address about noise and a verbal argument; no offences recorded.",
        ),
        "green": ("Nothing recorded for the adults or the address.",),
        "not_known": ("Not known to police.",),
    },
    "Health": {
        "red": (
            "Mother under the community mental health team; missed her last three appointments. Child not brought "
            "to two paediatric appointments.",
        ),
        "amber": (
            "Health visitor has concerns about home conditions; immunisations are incomplete.",
            "GP: mother treated for low mood; child's health needs are being met.",
        ),
        "green": ("Registered with a GP; immunisations up to date; no health concerns.",),
        "not_known": ("Not registered with a GP in the area.",),
    },
    "Education": {
        "red": ("Attendance below 50% this year; two fixed-term exclusions; the school has safeguarding concerns.",),
        "amber": ("Attendance 84%; frequently late; the DSL has logged low-level concerns about hunger.",),
        "green": ("Attendance 97%; happy and settled; no concerns.",),
        "not_known": ("Not on roll at a school in the area.",),
    },
    "Youth Offending Service": {
        "red": ("Open to the Youth Justice Service on a referral order; exploitation screening: high risk.",),
        "amber": ("Known from an out-of-court disposal last year; exploitation screening: some indicators.",),
        "green": ("Screening completed: no indicators of criminal exploitation.",),
        "not_known": ("Not known to the Youth Justice Service.",),
    },
    "Housing": {
        "red": ("Notice seeking possession served for rent arrears and anti-social behaviour.",),
        "amber": ("Family in temporary accommodation awaiting an offer.",),
        "green": ("Secure tenancy; no concerns.",),
        "not_known": ("Not known to housing.",),
    },
    "Probation": {
        "red": ("Mother's partner on licence for a violent offence; domestic abuse perpetrator programme.",),
        "amber": ("Father under supervision for a drugs offence; engaging.",),
        "green": ("Nothing recorded.",),
        "not_known": ("Not known to probation.",),
    },
    "Early help": {
        "red": ("Family support plan closed last year because the family stopped engaging.",),
        "amber": ("Previous early help plan for attendance, closed with needs met.",),
        "green": ("No previous early help.",),
        "not_known": ("Not known to early help.",),
    },
}

RAG_BY_SEVERITY: dict[str, tuple[tuple[str, float], ...]] = {
    "low": (("green", 0.45), ("not_known", 0.30), ("amber", 0.22), ("red", 0.03)),
    "medium": (("green", 0.30), ("not_known", 0.22), ("amber", 0.36), ("red", 0.12)),
    "high": (("green", 0.18), ("not_known", 0.15), ("amber", 0.35), ("red", 0.32)),
}

L3_CLOSURE = (
    ("Family support plan completed: needs met", 0.52),
    ("Stepped down to universal services", 0.20),
    ("Family stopped engaging: closed with advice", 0.13),
    ("Family declined further support", 0.08),
    ("Family moved out of the area", 0.07),
)
