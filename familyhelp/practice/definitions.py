"""The practice tools' definitions (as data) and the one engine that validates answers and derives results.

An instrument version's `definition` is JSON; this module holds the first published version of each (seeded
by migration 0002) and the functions that read any version of a definition. A later version is a new
`Instrument` row with its own definition: the engine reads the definition it is given, never these constants,
so completions made under version 1 keep being checked and scored by version 1.

Exploitation screening (000 §4.15, contextual safeguarding): each indicator is ticked when present. The
score is the sum of the weights of the ticked indicators; the risk level is the highest band whose minimum
the score reaches (0 no, 1-3 low, 4-7 medium, 8 or more high), raised to an indicator's `at_least` level if a
ticked indicator has one (carrying weapons: at least medium).
"""

from __future__ import annotations

from typing import Any

EXPLOITATION = "exploitation_screening"
GCP2 = "gcp2"
SIGNS_OF_SAFETY = "signs_of_safety"
# Tools that may be completed for the whole family (the care of a sibling group; a family's safety mapping).
# The exploitation screening is always about one young person.
FAMILY_KINDS = frozenset({GCP2, SIGNS_OF_SAFETY})

RISK_LEVELS = ["no", "low", "medium", "high"]
RISK_LABELS = {"no": "No risk", "low": "Low risk", "medium": "Medium risk", "high": "High risk"}

EXPLOITATION_V1: dict[str, Any] = {
    "indicators": [
        {"code": "missing", "label": "Going missing from home, school or care", "weight": 2},
        {"code": "weapons", "label": "Carrying weapons", "weight": 3, "at_least": "medium"},
        {"code": "place", "label": "Seen in places that cause concern (known addresses, hotspots)", "weight": 2},
        {
            "code": "environment",
            "label": "Spends time in an environment where exploitation happens (neighbourhood, online, school)",
            "weight": 1,
        },
        {"code": "peer_group", "label": "Peer group: older associates, or peers known to be exploited", "weight": 2},
        {"code": "gifts_money", "label": "Receiving gifts or money that cannot be explained", "weight": 2},
        {"code": "phones", "label": "Has more than one mobile phone", "weight": 2},
        {"code": "substances", "label": "Misusing substances", "weight": 1},
        {"code": "travel", "label": "Travelling to other areas by bus, train or taxi without explanation", "weight": 2},
        {"code": "other", "label": "Anything else that may indicate the child is being exploited", "weight": 1},
    ],
    "bands": [
        {"min": 0, "level": "no"},
        {"min": 1, "level": "low"},
        {"min": 4, "level": "medium"},
        {"min": 8, "level": "high"},
    ],
    "rule": (
        "Score: the sum of the weights of the indicators ticked. Risk level: no (0), low (1 to 3), medium (4 to 7), "
        "high (8 or more); a ticked indicator with a minimum level raises the level to at least that."
    ),
}

GCP2_V1: dict[str, Any] = {
    "areas": [
        {"code": "physical_care", "label": "Physical care"},
        {"code": "safety", "label": "Safety"},
        {"code": "love_and_care", "label": "Love and care"},
        {"code": "esteem", "label": "Stimulation and esteem"},
    ],
    "grades": [
        {"value": 1, "label": "1: the child's needs are met, and the child comes first"},
        {"value": 2, "label": "2: most of the child's needs are met"},
        {"value": 3, "label": "3: some needs are met, some are not"},
        {"value": 4, "label": "4: most of the child's needs are not met"},
        {"value": 5, "label": "5: the child's needs are not met and the child is harmed"},
    ],
    "rule": "Each area is graded 1 (best) to 5 (worst). A review is compared with the baseline it follows.",
}

SIGNS_OF_SAFETY_V1: dict[str, Any] = {
    "sections": [
        {"code": "worries", "label": "What are we worried about? (harm)"},
        {"code": "complicating_factors", "label": "Complicating factors"},
        {"code": "working_well", "label": "What is working well?"},
        {"code": "needs_to_happen", "label": "What needs to happen?"},
    ],
    "lists": [
        {"code": "danger_statements", "label": "Danger statements"},
        {"code": "safety_goals", "label": "Safety goals"},
    ],
    "scaling": {
        "question": (
            "On a scale of 0 to 10, where 10 means everyone knows the children are safe enough to close the case "
            "and 0 means things are so bad the children cannot stay at home, where do you rate the situation?"
        ),
        "min": 0,
        "max": 10,
    },
    "rule": "Each participant answers the scaling question by name and role; scores are not averaged away.",
}

SEEDS: list[dict[str, Any]] = [
    {"kind": EXPLOITATION, "name": "Exploitation screening", "definition": EXPLOITATION_V1},
    {"kind": GCP2, "name": "Graded Care Profile 2", "definition": GCP2_V1},
    {"kind": SIGNS_OF_SAFETY, "name": "Signs of Safety mapping", "definition": SIGNS_OF_SAFETY_V1},
]

Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(value: Any, field: str, errors: Errors, *, limit: int = 5000) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        _add(errors, field, "Enter text")
        return ""
    value = value.strip()
    if len(value) > limit:
        _add(errors, field, f"Must be {limit} characters or fewer")
    return value


def _reject_unknown(answers: dict[str, Any], allowed: set[str], errors: Errors) -> None:
    for key in sorted(set(answers) - allowed):
        _add(errors, key, f"{key!r} is not part of this instrument")


# ---------------------------------------------------------------------------------------------- validation
def validate_answers(kind: str, definition: dict[str, Any], answers: Any, *, complete: bool) -> tuple[dict, Errors]:
    """Check answers against the definition: (cleaned answers, {field: [messages]}). `complete` also requires
    everything needed to finalise (drafts may be partial)."""
    errors: Errors = {}
    if not isinstance(answers, dict):
        return {}, {"answers": ["Answers must be an object"]}
    if kind == EXPLOITATION:
        cleaned = _validate_exploitation(definition, answers, errors)
    elif kind == GCP2:
        cleaned = _validate_gcp2(definition, answers, errors, complete=complete)
    elif kind == SIGNS_OF_SAFETY:
        cleaned = _validate_sos(definition, answers, errors, complete=complete)
    else:  # pragma: no cover - kinds are choices
        raise ValueError(kind)
    return cleaned, errors


def _validate_exploitation(definition: dict[str, Any], answers: dict[str, Any], errors: Errors) -> dict[str, Any]:
    _reject_unknown(answers, {"present", "other_detail", "notes"}, errors)
    codes = [i["code"] for i in definition["indicators"]]
    present = answers.get("present", [])
    if not isinstance(present, list) or not all(isinstance(c, str) for c in present):
        _add(errors, "present", "Indicators must be a list of codes")
        present = []
    for code in present:
        if code not in codes:
            _add(errors, "present", f"{code!r} is not an indicator of this version of the screening tool")
    chosen = [c for c in codes if c in present]  # definition order, no repeats
    other_detail = _text(answers.get("other_detail"), "other_detail", errors)
    if "other" in chosen and not other_detail:
        _add(errors, "other_detail", "Say what else may indicate the child is being exploited")
    return {"present": chosen, "other_detail": other_detail, "notes": _text(answers.get("notes"), "notes", errors)}


def _validate_gcp2(definition: dict[str, Any], answers: dict[str, Any], errors: Errors, *, complete: bool) -> dict:
    _reject_unknown(answers, {"grades", "evidence", "notes"}, errors)
    areas = definition["areas"]
    allowed = {g["value"] for g in definition["grades"]}
    grades_in = answers.get("grades", {})
    evidence_in = answers.get("evidence", {})
    if not isinstance(grades_in, dict):
        _add(errors, "grades", "Grades must be an object of area: grade")
        grades_in = {}
    if not isinstance(evidence_in, dict):
        _add(errors, "evidence", "Evidence must be an object of area: text")
        evidence_in = {}
    codes = {a["code"] for a in areas}
    for key in sorted((set(grades_in) | set(evidence_in)) - codes):
        _add(errors, f"grade_{key}", f"{key!r} is not an area of this version of the profile")
    grades: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for area in areas:
        code, raw = area["code"], grades_in.get(area["code"])
        if raw in (None, ""):
            if complete:
                _add(errors, f"grade_{code}", f"Choose a grade for {area['label'].lower()}")
        else:
            value = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
            if isinstance(raw, str) and raw.isdigit():
                value = int(raw)
            if value is None or value not in allowed:
                _add(
                    errors, f"grade_{code}", f"The grade for {area['label'].lower()} must be a whole number from 1 to 5"
                )
            else:
                grades[code] = value
        text = _text(evidence_in.get(code), f"evidence_{code}", errors)
        if text:
            evidence[code] = text
    return {"grades": grades, "evidence": evidence, "notes": _text(answers.get("notes"), "notes", errors)}


def _validate_sos(definition: dict[str, Any], answers: dict[str, Any], errors: Errors, *, complete: bool) -> dict:
    sections = [s["code"] for s in definition["sections"]]
    lists = [s["code"] for s in definition["lists"]]
    _reject_unknown(answers, {*sections, *lists, "scaling"}, errors)
    cleaned: dict[str, Any] = {}
    for code in sections:
        cleaned[code] = _text(answers.get(code), code, errors)
    for code in lists:
        raw = answers.get(code, [])
        if isinstance(raw, str):
            raw = raw.splitlines()
        if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
            _add(errors, code, "Enter one statement a line")
            raw = []
        cleaned[code] = [x.strip() for x in raw if x.strip()]
    low, high = definition["scaling"]["min"], definition["scaling"]["max"]
    rows = answers.get("scaling", [])
    if not isinstance(rows, list):
        _add(errors, "scaling", "Scaling must be a list of {name, role, score}")
        rows = []
    scaling: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            _add(errors, f"scaling_{n}_name", f"Participant {n}: enter a name, role and score")
            continue
        name = _text(row.get("name"), f"scaling_{n}_name", errors, limit=200)
        role = _text(row.get("role"), f"scaling_{n}_role", errors, limit=200)
        score = row.get("score")
        if isinstance(score, str) and score.strip().isdigit():
            score = int(score.strip())
        if not (name or role or score not in (None, "")):
            continue  # a blank row of the form
        if not name:
            _add(errors, f"scaling_{n}_name", f"Participant {n}: enter their name")
        if not role:
            _add(errors, f"scaling_{n}_role", f"Participant {n}: enter their role (for example mother, social worker)")
        if not isinstance(score, int) or isinstance(score, bool) or not low <= score <= high:
            _add(
                errors, f"scaling_{n}_score", f"Participant {n}: the score must be a whole number from {low} to {high}"
            )
            continue
        if (name.casefold(), role.casefold()) in seen:
            _add(errors, f"scaling_{n}_name", f"Participant {n}: {name} ({role}) is already listed")
            continue
        seen.add((name.casefold(), role.casefold()))
        if name and role:
            scaling.append({"name": name, "role": role, "score": score})
    cleaned["scaling"] = scaling
    if complete:
        if not cleaned["worries"]:
            _add(errors, "worries", "Say what we are worried about")
        if not cleaned["danger_statements"]:
            _add(errors, "danger_statements", "Write at least one danger statement")
        if not cleaned["safety_goals"]:
            _add(errors, "safety_goals", "Write at least one safety goal")
        if not scaling and not any(k.startswith("scaling_") for k in errors):
            _add(errors, "scaling_1_name", "Record at least one participant's answer to the scaling question")
    return cleaned


# ---------------------------------------------------------------------------------------------- results
def risk_level(definition: dict[str, Any], present: list[str]) -> tuple[int, str]:
    """(score, risk level) for the ticked indicators, by the definition's bands and minimum levels."""
    weights = {i["code"]: int(i["weight"]) for i in definition["indicators"]}
    score = sum(weights[c] for c in present)
    level = "no"
    for band in sorted(definition["bands"], key=lambda b: b["min"]):
        if score >= band["min"]:
            level = band["level"]
    for indicator in definition["indicators"]:
        floor = indicator.get("at_least")
        if floor and indicator["code"] in present and RISK_LEVELS.index(floor) > RISK_LEVELS.index(level):
            level = floor
    return score, level


def derive_result(kind: str, definition: dict[str, Any], answers: dict[str, Any]) -> dict[str, Any]:
    """The result a completion shows: risk level and score, area grades, or scaling scores."""
    if kind == EXPLOITATION:
        score, level = risk_level(definition, answers["present"])
        return {"score": score, "risk_level": level, "indicators": len(answers["present"])}
    if kind == GCP2:
        return {"grades": dict(answers["grades"])}
    return {"scaling": [{"name": r["name"], "role": r["role"], "score": r["score"]} for r in answers["scaling"]]}


def summary(kind: str, result: dict[str, Any], definition: dict[str, Any]) -> str:
    """One line for lists and the chronology."""
    if kind == EXPLOITATION:
        return f"{RISK_LABELS[result['risk_level']]} (score {result['score']})"
    if kind == GCP2:
        labels = {a["code"]: a["label"] for a in definition["areas"]}
        return ", ".join(f"{labels[c]} {g}" for c, g in result["grades"].items()) or "No areas graded"
    parts = [f"{r['name']} ({r['role']}) {r['score']}" for r in result["scaling"]]
    return "Scaling: " + (", ".join(parts) if parts else "no answers")
