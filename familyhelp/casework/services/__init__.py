"""Casework services: every write to a case goes through here (views and the API call them).

- `cases`: opening from the front door, allocation and the duty bank, step up / step down, sibling groups,
  closure.
- `assessments`: family support and single assessments, strategy discussions, section 47 enquiries.
- `plans`: family support, CIN, CP and looked-after plans, goals, actions, reviews.
- `visits`: visits and case notes.
"""

from familyhelp.casework.services.cases import (
    case_open_from_front_door,
    case_reference,
    open_case_for,
    open_cin_episode_for,
)

__all__ = ["case_open_from_front_door", "case_reference", "open_case_for", "open_cin_episode_for"]
