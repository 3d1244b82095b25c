"""The crisis room: incidents, playbooks, holding statements, readiness and drills. See docs/crisis-room.md"""

from __future__ import annotations

# The shipped scenarios, in the order people read them; each has a playbook in vigie/crisis/playbooks/.
SCENARIOS: tuple[str, ...] = ("recall", "data-breach", "outage", "executive", "backlash", "labour", "environment")

STATUSES: tuple[str, ...] = ("detected", "assessing", "responding", "monitoring", "closed")
SEVERITIES: tuple[str, ...] = ("low", "moderate", "high", "critical")
ROLES: tuple[str, ...] = ("lead", "spokesperson", "legal", "social_media", "agency_contact")
LANGUAGES: tuple[str, ...] = ("fr", "en")
