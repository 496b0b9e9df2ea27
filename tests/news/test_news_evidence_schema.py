"""Evidence suggestions are valid entries of the scenario's `evidence` list (issue 11)."""

from __future__ import annotations

import yaml

from tests.conftest import EXAMPLES
from zopa.io import load_scenario
from zopa.model.spec import EvidenceSpec
from zopa.news import read_news


def test_suggestions_validate_and_load_into_the_scenario(tmp_path):
    path = EXAMPLES / "ukraine-2025.yaml"
    n = read_news([EXAMPLES / "news" / "kremlin-revisions.txt"], load_scenario(path))
    items = [e.item() | {"quote": e.quote} for e in n.evidence]
    assert items
    for item in items:
        EvidenceSpec.model_validate(item)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["evidence"] = list(data.get("evidence") or []) + items
    out = tmp_path / "with-evidence.yaml"
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    load_scenario(out)  # parties and drafts the suggestions name exist in the scenario
