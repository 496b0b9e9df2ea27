"""Builder of a many-party GENIUS folder (ANAC-sized): written by the tests, never committed.

``write_many_party(folder, parties=70, issues=9, options=4)`` writes a domain file and one
profile per party in the GENIUS XML format (discrete issues, weights and evaluations), with
reproducible random preferences: 4**9 = 262,144 packages for 70 parties by default.

``genius_shaped=True`` writes what the field's real 70-party folder (GENIUS's
``journal_learning/six_issues``, 6 issues x 8 values) has and the plain fixture had not:
profiles without a ``<reservation>`` (so every package is in the zone and the limited path
has the whole space to stream), profiles whose first two issues carry each other's names
(bound by index, one warning each), ``cost`` attributes on items, and ``<agent>`` and
``<similarity_function>`` elements in the domain.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np


def _issues(issues: int, options: int) -> list[tuple[str, list[str]]]:
    return [(f"issue{i + 1}", [f"v{i + 1}_{k + 1}" for k in range(options)]) for i in range(issues)]


def write_many_party(
    folder: Path,
    parties: int = 70,
    issues: int = 9,
    options: int = 4,
    *,
    reservation: float | None = 0.3,
    seed: int = 0,
    genius_shaped: bool = False,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    spec = _issues(issues, options)
    dom = ["<negotiation_template>", '<utility_space number_of_issues="0">']
    if genius_shaped:
        dom[1:1] = ['<agent class="" name="" utility_space=""></agent>'] * 2
    dom.append('<objective index="0" etype="objective" type="objective" name="Many">')
    for i, (name, opts) in enumerate(spec):
        dom.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" name="{name}">')
        dom += [f'<item index="{k + 1}" value="{v}"></item>' for k, v in enumerate(opts)]
        if genius_shaped:
            dom.append('<similarity_function weight="0.25"><criteria_function weight="1">')
            dom += [
                f'<item index="{k + 1}" value="{v}" evaluation="{k / options}"/>'
                for k, v in enumerate(opts)
            ]
            dom.append("</criteria_function></similarity_function>")
        dom.append("</issue>")
    dom += ["</objective>", "</utility_space>", "</negotiation_template>"]
    (folder / "many_domain.xml").write_text("\n".join(dom) + "\n", encoding="utf-8")
    for p in range(parties):
        w = rng.dirichlet(np.ones(issues))
        w = np.round(w / w.sum(), 6)
        w[-1] = round(1.0 - float(w[:-1].sum()), 6)
        lines = ["<utility_space>", '<objective index="0" etype="objective" name="Many">']
        swap = genius_shaped and p % 4 == 0 and issues >= 2  # as 16 of the 70 real profiles
        cost = ' cost="0.0"' if genius_shaped else ""
        for i, (name, opts) in enumerate(spec):
            shown = spec[1 - i][0] if swap and i < 2 else name
            lines.append(f'<issue index="{i + 1}" etype="discrete" type="discrete" name="{shown}">')
            ev = rng.integers(1, 10, size=options)
            lines += [
                f'<item index="{k + 1}" value="{v}" evaluation="{int(e)}"{cost}></item>'
                for k, (v, e) in enumerate(zip(opts, ev, strict=True))
            ]
            lines.append("</issue>")
        for i in range(issues):
            lines.append(f'<weight index="{i + 1}" value="{w[i]:.6f}"></weight>')
        lines.append("</objective>")
        if reservation is not None:
            lines.append(f'<reservation value="{reservation}"/>')
        lines.append("</utility_space>")
        (folder / f"many_party{p + 1:02d}.xml").write_text("\n".join(lines) + "\n", "utf-8")
    return folder
