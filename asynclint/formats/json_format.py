"""`--format json`: a JSON array of findings; the fields are the stable schema in the README."""

from __future__ import annotations

import json
from typing import Sequence

from asynclint.findings import Finding


def render(findings: Sequence[Finding], **_: object) -> str:
    return json.dumps([finding.to_json() for finding in findings], indent=2) + "\n"
