"""Score `zopa news` on the annotated corpus in bench/news_corpus (and spaCy + textacy beside it).

Run: ``python bench/bench_news.py [--split dev|heldout|all] [--json] [--speed] [--read CHARS]``

The corpus has seven house styles (a US broadsheet with honorifics, AP and Reuters wire copy, a
state news agency, a European broadcaster, a web portal, an HTML page), written for zopa in
those styles with our own sentences. ``dev/`` is the half the rules were tuned on; ``heldout/``
was written at the same time and never used for tuning, so its figures are the honest ones.
Each article has a ``.truth.yaml``: the quotes (a fragment of each and its speaker), the claims
the article flags as unproven, the dateline, the people (one actor each, middle initials kept),
words that must not be actors, text that must not survive HTML clean-up, and the evidence
stances the article supports or contradicts (for ``examples/ukraine-2025.yaml``).

Figures, per article, per style and overall:
- quote recall / precision: truth fragments found inside a quote / quotes that hold a fragment;
- speaker accuracy: quotes found whose speaker is right (a person by name, in any spelling the
  truth lists; an unnamed source (``~``) by an anonymous attribution or an unnamed actor);
- unverified recall: flagged claims read as ``unverified`` (and their source, reported apart);
- stance precision: suggestions the truth lists as supported; contradictions: suggestions that
  say the opposite of a listed stance or are listed as contradicting.

The scoring shares no code with the reader: it only compares the reader's output with the truth.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "news_corpus"
SPLITS = ("dev", "heldout")

# spellings of one name (transliterations) that the truth treats as the same person
_FOLD = {
    "zelenskyy": "zelensky", "zelenskiy": "zelensky", "yury": "yuri", "dmitri": "dmitry",
    "sergey": "sergei", "andrii": "andriy", "kiev": "kyiv", "kupyansk": "kupiansk",
    "orbán": "orban",
}  # fmt: skip


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower().replace("’", "'")
    s = re.sub(r"\b[a-z]\.\s*", "", s)  # middle initials
    words = [_FOLD.get(w, w) for w in re.findall(r"[\w'-]+", s)]
    return " ".join(w for w in words if w not in {"the", "mr", "ms", "mrs", "sir"})


@dataclass
class Score:
    quotes_truth: int = 0
    quotes_found: int = 0
    quotes_pred: int = 0
    quotes_pred_ok: int = 0
    speaker_ok: int = 0
    speaker_scored: int = 0
    unverified_truth: int = 0
    unverified_found: int = 0
    unverified_source_ok: int = 0
    stances: int = 0
    stances_ok: int = 0
    contradictions: int = 0
    datelines: int = 0
    datelines_ok: int = 0
    duplicate_people: int = 0
    bad_actors: int = 0
    leaked_text: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        for k, v in vars(other).items():
            if isinstance(v, int):
                setattr(self, k, getattr(self, k) + v)
            else:
                getattr(self, k).extend(v)

    def figures(self) -> dict[str, float | int | None]:
        def ratio(a: int, b: int) -> float | None:
            return round(a / b, 3) if b else None

        return {
            "quote_recall": ratio(self.quotes_found, self.quotes_truth),
            "quote_precision": ratio(self.quotes_pred_ok, self.quotes_pred),
            "speaker_accuracy": ratio(self.speaker_ok, self.speaker_scored),
            "unverified_recall": ratio(self.unverified_found, self.unverified_truth),
            "unverified_source": ratio(self.unverified_source_ok, self.unverified_truth),
            "stance_precision": ratio(self.stances_ok, self.stances),
            "suggestions": self.stances,
            "contradictions": self.contradictions,
            "datelines": ratio(self.datelines_ok, self.datelines),
            "duplicate_people": self.duplicate_people,
            "bad_actors": self.bad_actors,
            "leaked_text": self.leaked_text,
        }


def speaker_right(truth: str | None, speaker: str | None, named: bool, how: str,
                  channel: str | None) -> bool:  # fmt: skip
    """Whether a predicted speaker matches the truth (see the module docstring)."""
    if truth == "*":
        return True
    if truth is None:
        return speaker is None
    if truth.startswith("~"):
        if how == "anonymous" and speaker is None:
            return True
        head = norm(truth[1:]).split()[-1]
        return speaker is not None and not named and head in norm(speaker).split()
    alts = [norm(a) for a in truth.split("|")]
    if speaker is None:
        return channel is not None and norm(channel) in alts
    p = norm(speaker)
    for a in alts:
        if p == a or a.endswith(" " + p) or p.endswith(" " + a):
            return True
        if a.split()[-1:] == p.split()[-1:] and len(a.split()) > 1 and len(p.split()) > 1:
            return True
    return False


def _item(d: dict[str, Any]) -> tuple[str, ...]:
    if "prefers" in d:
        return (d["party"], "prefers", d["prefers"], d["over"])
    if "rejects" in d:
        return (d["party"], "rejects", d["rejects"])
    return (d["party"], "accepts", d["accepts"])


def _opposite(t: tuple[str, ...]) -> set[tuple[str, ...]]:
    if t[1] == "prefers":
        return {(t[0], "prefers", t[3], t[2])}
    if t[1] == "rejects":
        return {(t[0], "accepts", t[2])}
    return {(t[0], "rejects", t[2])}


def score_article(truth: dict[str, Any], result: dict[str, Any], text: str) -> Score:
    """Compare one article's ``--json`` reading (and its evidence) with its truth file."""
    sc = Score()
    quotes = result["quotes"]
    used: set[int] = set()
    for t in truth.get("quotes") or []:
        sc.quotes_truth += 1
        cands = [
            (len(q["text"]), n)
            for n, q in enumerate(quotes)
            if n not in used and norm(t["q"]) in norm(q["text"])
        ]
        if not cands:
            sc.misses.append(f"quote not found: {t['q']!r}")
            continue
        n = min(cands)[1]
        used.add(n)
        q = quotes[n]
        sc.quotes_found += 1
        if t.get("speaker") != "*":
            sc.speaker_scored += 1
        named = q["speaker"] is not None and _named(result, q["speaker_id"])
        ok = speaker_right(t.get("speaker"), q["speaker"], named, q["attribution"], q["channel"])
        sc.speaker_ok += int(ok and t.get("speaker") != "*")
        if not ok:
            sc.misses.append(f"speaker of {t['q']!r}: {q['speaker']!r}, want {t.get('speaker')!r}")
    sc.quotes_pred = len(quotes)
    sc.quotes_pred_ok = len(used)
    for n, q in enumerate(quotes):
        if n not in used:
            sc.misses.append(f"not a quote of the truth: {q['text'][:60]!r}")
    claims = result["claims"]
    for u in truth.get("unverified") or []:
        sc.unverified_truth += 1
        hit = next(
            (c for c in claims if c["status"] == "unverified" and norm(u["q"]) in norm(c["text"])),
            None,
        )
        if hit is None:
            sc.misses.append(f"unverified claim missed: {u['q']!r}")
            continue
        sc.unverified_found += 1
        src = u.get("source")
        if speaker_right(src, hit["source"], True, "after", hit["channel"]) or (
            src is not None and hit["source"] is not None and norm(src) in norm(hit["source"])
        ):
            sc.unverified_source_ok += 1
        else:
            sc.misses.append(f"source of unverified {u['q']!r}: {hit['source']!r}, want {src!r}")
    if "dateline" in truth:
        sc.datelines += 1
        want, got = truth["dateline"], result["dateline"]
        ok = (want is None and got is None) or (
            want is not None
            and got is not None
            and norm(want["place"]) == norm(got["place"])
            and (want.get("date") is None or norm(want["date"]) == norm(got.get("date") or ""))
            and (
                want.get("agency") is None or norm(want["agency"]) == norm(got.get("agency") or "")
            )
        )
        sc.datelines_ok += int(ok)
        if not ok:
            sc.misses.append(f"dateline {got!r}, want {want!r}")
    people = [a for a in result["actors"] if a["kind"] == "person" and a["name"]]
    for person in truth.get("persons") or []:
        same = [a for a in people if speaker_right(person, a["name"], True, "after", None)]
        if len(same) > 1:
            sc.duplicate_people += 1
            sc.misses.append(f"{person} is {len(same)} actors: {[a['label'] for a in same]}")
    for full in truth.get("middle_initials") or []:
        if not any(a["name"] == full or full in (a.get("aliases") or []) for a in people):
            sc.misses.append(f"middle initial lost: {full}")
    labels = {a["label"] for a in result["actors"]}
    for bad in truth.get("not_actors") or []:
        if bad in labels:
            sc.bad_actors += 1
            sc.misses.append(f"not an actor: {bad}")
    for gone in truth.get("forbidden_text") or []:
        if gone in text:
            sc.leaked_text += 1
            sc.misses.append(f"page furniture kept: {gone!r}")
    good = {_item(s) for s in truth.get("stances") or []}
    bad_items = {_item(s) for s in truth.get("contradicting") or []}
    for s in good:
        bad_items |= _opposite(s)
    for e in result.get("evidence") or []:
        it = _item(e)
        sc.stances += 1
        sc.stances_ok += int(it in good)
        if it in bad_items:
            sc.contradictions += 1
            sc.misses.append(f"CONTRADICTS the article: {it} from {e['quote'][:60]!r}")
        elif it not in good:
            sc.misses.append(f"unsupported suggestion: {it} from {e['quote'][:60]!r}")
    return sc


def _named(result: dict[str, Any], actor_id: str | None) -> bool:
    return any(a["id"] == actor_id and a["name"] for a in result["actors"])


def articles(split: str) -> list[tuple[str, Path, Path]]:
    out = []
    for sp in SPLITS if split == "all" else (split,):
        for truth in sorted((CORPUS / sp).glob("*.truth.yaml")):
            stem = truth.name[: -len(".truth.yaml")]
            art = next(p for p in truth.parent.glob(stem + ".*") if not p.name.endswith(".yaml"))
            out.append((sp, art, truth))
    return out


def read_truth(path: Path) -> dict[str, Any]:
    from zopa.io.files import read_document

    return dict(read_document(path).data)


def run_zopa(art: Path, scenario: Any) -> tuple[dict[str, Any], str]:
    from zopa.io.articles import read_article
    from zopa.news import read_news

    a = read_article(art)
    n = read_news([a], scenario)
    d = n.articles[0].to_dict()
    d["evidence"] = [e.to_dict() for e in n.evidence]
    return d, a.text


# ------------------------------------------------------------------ the peer: spaCy + textacy


def peer_pipeline() -> tuple[Any, str]:
    """spaCy with a parser (textacy's quote finder needs dependencies), or why not."""
    try:
        import spacy
        import textacy.extract  # noqa: F401
    except ImportError as exc:
        return None, f"not installed ({exc.name}); pip install spacy textacy"
    for model in ("en_core_web_sm", "en_core_web_md", "en_core_web_lg"):
        try:
            return spacy.load(model), model
        except OSError:
            continue
    return None, (
        "spaCy and textacy are installed but no English parser model is: the registry has no "
        "official en_core_web_* wheel (see docs/news.md), and textacy's direct_quotations needs one"
    )


def run_peer(nlp: Any, text: str) -> dict[str, Any]:
    import textacy.extract

    doc = nlp(text)
    quotes = []
    for dq in textacy.extract.triples.direct_quotations(doc):
        speaker = " ".join(t.text for t in dq.speaker) if dq.speaker else None
        quotes.append(
            {
                "text": " ".join(t.text for t in dq.content).strip("\"“”'‘’ "),
                "speaker": speaker,
                "speaker_id": speaker,
                "attribution": "after" if speaker else "none",
                "channel": None,
            }
        )
    actors = [{"id": q["speaker"], "name": q["speaker"], "label": q["speaker"], "kind": "person"}
              for q in quotes if q["speaker"]]  # fmt: skip
    return {"quotes": quotes, "claims": [], "actors": actors, "dateline": None, "evidence": []}


# ------------------------------------------------------------------ speed


# Fragments a fuzzer found slow, in prose a reader meets: many "he said" in one paragraph,
# initials, "Mr." abbreviations, right-to-left script and marks, zero-width and combining
# marks, quotes opened and never closed, possessives, runs of full stops and commas, reported
# clauses chained with "and said", titles and names for the actor table.
HOSTILE = (
    '"We will not sign," Mr. J. R. Smith said. ',
    '"Never," he said, "not today." ',
    "\u200bHe\u200d said\u2060 \ufeff“no”\u200b and ",
    "\u05e9\u05dc\u05d5\u05dd \u202bsaid\u202c \u0627\u0644\u0633\u0644\u0627\u0645 ",
    "Zelenske\u0301 sai\u0308d \u201cno\u0301\u201d, e\u0301. ",
    "Mr. A. B. Jones told Mr. Lee that Dr. K. L. Brown said ",
    "«he said» ‚ ‹ ‘ ",
    "the allies’ plan, the Europeans’ ‘text’ and Kyiv’s ",
    "a..... b!!!!? c…. U.S. officials ",
    "Kremlin adviser Yuri Ushakov and the adviser and President Putin said ",
    "the foreign minister, a senior official, the spokesman, the aide told ",
    '"yes",,,,,, ',
    "it is theft, and said Russia would respond “no” and ",
    "according to a source, ",
)


def hostile_article(size: int, seed: int = 0) -> str:
    """One paragraph of about ``size`` characters of hostile fragments in a fixed pseudo-random
    order (deterministic for a seed; no line break anywhere)."""
    import random

    rng = random.Random(seed)
    parts: list[str] = []
    n = 0
    while n < size:
        frag = HOSTILE[rng.randrange(len(HOSTILE))]
        parts.append(frag)
        n += len(frag)
    return "".join(parts)


SPEED_SIZES = (100_000, 500_000, 1_000_000, 5_000_000)


def speed_lines(sizes: tuple[int, ...] = SPEED_SIZES) -> list[str]:
    """CPU seconds to read a one-paragraph hostile article at each size, and the rate per MB:
    linear work gives equal rates. CPU time (user + sys), because the machine is shared; the
    load average is printed beside it."""
    import os

    from zopa.news import read_text_article

    out = []
    first_rate = None
    for size in sizes:
        text = hostile_article(size)
        t0 = time.process_time()
        reading = read_text_article(text)
        cpu = time.process_time() - t0
        rate = cpu / len(text) * 1e6
        first_rate = first_rate or rate
        out.append(
            f"speed (CPU): one paragraph of {len(text) / 1e6:5.2f} MB in {cpu:6.2f} s "
            f"({rate:.2f} s/MB, {rate / first_rate:.2f}x the 100 KB rate; "
            f"{len(reading.quotes)} quotes)"
        )
    out.append(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return out


# ------------------------------------------------------------------ main


def evaluate(split: str, peer: bool = True) -> dict[str, Any]:
    from zopa.io import load_any

    scenarios: dict[str, Any] = {}
    nlp, peer_name = peer_pipeline() if peer else (None, "not run (--no-peer)")
    rows = []
    for sp, art, tpath in articles(split):
        truth = read_truth(tpath)
        scen_path = truth.get("scenario")
        if scen_path and scen_path not in scenarios:
            scenarios[scen_path] = load_any(ROOT / scen_path)
        result, text = run_zopa(art, scenarios.get(scen_path))
        ours = score_article(truth, result, text)
        theirs = None
        if nlp is not None:
            theirs = score_article({"quotes": truth.get("quotes")}, run_peer(nlp, text), text)
        rows.append({"split": sp, "article": art.name, "style": truth.get("style", "?"),
                     "zopa": ours, "peer": theirs})  # fmt: skip
    return {"rows": rows, "peer": peer_name}


def _total(rows: list[dict[str, Any]], who: str) -> Score:
    s = Score()
    for r in rows:
        if r[who] is not None:
            s.add(r[who])
    return s


def _fmt(v: float | int | None) -> str:
    if v is None:
        return "-"
    return f"{v:.0%}" if isinstance(v, float) else str(v)


def report(res: dict[str, Any], verbose: bool) -> str:
    cols = ["quote_recall", "quote_precision", "speaker_accuracy", "unverified_recall",
            "stance_precision", "contradictions"]  # fmt: skip
    short = ["q.recall", "q.prec", "speaker", "unverif.", "stance", "contra"]
    lines = [f"{'':34}" + "".join(f"{c:>10}" for c in short) + "   peer speaker (quotes)"]

    def line(name: str, s: Score, p: Score | None) -> str:
        f = s.figures()
        peer = "-"
        if p is not None:
            pf = p.figures()
            peer = f"{_fmt(pf['speaker_accuracy'])} ({_fmt(pf['quote_recall'])})"
        return f"{name[:34]:34}" + "".join(f"{_fmt(f[c]):>10}" for c in cols) + f"   {peer}"

    rows = res["rows"]
    for sp in SPLITS:
        part = [r for r in rows if r["split"] == sp]
        if not part:
            continue
        lines.append(f"-- {sp}")
        for r in part:
            lines.append(line(r["article"], r["zopa"], r["peer"]))
            if verbose:
                lines.extend(f"      {m}" for m in r["zopa"].misses)
        pz = _total(part, "zopa")
        pp = _total(part, "peer") if any(r["peer"] for r in part) else None
        lines.append(line(f"{sp} overall", pz, pp))
    lines.append("-- by style (all splits shown)")
    for style in sorted({r["style"] for r in rows}):
        part = [r for r in rows if r["style"] == style]
        pp = _total(part, "peer") if any(r["peer"] for r in part) else None
        lines.append(line(style, _total(part, "zopa"), pp))
    tot = _total(rows, "zopa")
    pp = _total(rows, "peer") if any(r["peer"] for r in rows) else None
    lines.append(line("overall", tot, pp))
    f = tot.figures()
    lines.append(
        f"datelines {_fmt(f['datelines'])}, unverified sources {_fmt(f['unverified_source'])}, "
        f"suggestions {f['suggestions']}, duplicate people {f['duplicate_people']}, "
        f"non-actors taken as actors {f['bad_actors']}, page furniture kept {f['leaked_text']}"
    )
    lines.append(f"peer (spaCy + textacy direct_quotations): {res['peer']}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument(
        "--speed", action="store_true", help="also time hostile paragraphs of 0.1 to 5 MB"
    )
    ap.add_argument("--full", action="store_true", help="(run_all) same as --speed")
    ap.add_argument(
        "--read",
        type=int,
        metavar="CHARS",
        help="only read one hostile paragraph of CHARS characters and print its CPU time (for "
        "an instruction count that load does not change: run it under valgrind --tool=callgrind "
        "at two sizes and take the difference)",
    )
    a = ap.parse_args(argv)
    if a.read is not None:
        from zopa.news import read_text_article

        text = hostile_article(a.read)
        t0 = time.process_time()
        reading = read_text_article(text)
        print(f"{len(text)} characters, {len(reading.quotes)} quotes, "
              f"{time.process_time() - t0:.2f} s CPU")  # fmt: skip
        return 0
    res = evaluate(a.split, peer=not a.no_peer)
    if a.json:
        out = {
            "peer": res["peer"],
            "articles": [
                {
                    "split": r["split"],
                    "article": r["article"],
                    "style": r["style"],
                    "zopa": r["zopa"].figures(),
                    "misses": r["zopa"].misses,
                    "peer": r["peer"].figures() if r["peer"] else None,
                }
                for r in res["rows"]
            ],
            "overall": _total(res["rows"], "zopa").figures(),
        }
        print(json.dumps(out, indent=2))
    else:
        print(report(res, a.verbose))
    if a.speed or a.full:
        print("\n".join(speed_lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
