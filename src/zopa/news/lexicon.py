"""The word lists the rule-based reader uses (all lower case unless said otherwise).

Kept in one place so an analyst can read what is recognised (docs/news.md lists the gaps).
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from zopa.errors import ScenarioError

__all__ = [
    "ABBREVIATIONS",
    "AFFILIATIONS",
    "ANONYMOUS_HEADS",
    "BLOCS",
    "CHANNELS",
    "CLAIM_VERBS",
    "DRAFT_WORDS",
    "EVENT_TRIGGERS",
    "HEDGES",
    "INSTITUTIONS",
    "ISSUES",
    "NOT_NAMES",
    "PERSONS",
    "PLACES",
    "ROLE_GROUPS",
    "SPEECH_VERBS",
    "TITLE_HEADS",
    "TITLE_WORDS",
    "VERIFIED",
    "WORDS",
]


def _load_words() -> dict[str, tuple[str, ...]]:
    """The lists of ``data/words.yaml``, read through :mod:`zopa.io` (the one reader) and
    checked: every entry a list of non-empty strings."""
    from zopa.io.files import parse_document

    path = files("zopa.news") / "data" / "words.yaml"
    doc = parse_document(path.read_bytes(), str(path))
    data: Any = doc.data
    if not isinstance(data, dict):
        raise ScenarioError("the news word lists must be a mapping", file=str(path))
    out: dict[str, tuple[str, ...]] = {}
    for key, words in data.items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ScenarioError(
                f"{key}: a list of words is expected", file=str(path), hint="one word a line"
            )
        out[str(key)] = tuple(words)
    return out


_WORDS = _load_words()
# every list of words.yaml, as a set (``WORDS["time_adverbs"]``)
WORDS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in _WORDS.items()}

ABBREVIATIONS = WORDS["abbreviations"]  # a full stop after these does not end a sentence
SPEECH_VERBS = WORDS["speech_verbs"]  # speech and reporting verbs, every form in wire copy
CLAIM_VERBS = WORDS["claim_verbs"]  # softer verbs: what they report is unverified
TITLE_HEADS = WORDS["title_heads"]  # a title phrase ends in one of these
TITLE_WORDS = TITLE_HEADS | WORDS["title_words"]
NOT_NAMES = WORDS["not_names"]  # capitalised words that do not start a person's name
HEDGES = _WORDS["hedges"]  # phrases that make a claim unverified
VERIFIED = _WORDS["verified"]  # phrases that verify it
ANONYMOUS_HEADS = WORDS["anonymous_heads"]  # "a source", "two diplomats": unnamed sources

# Canonical affiliations and the words that name them (case-insensitive; "'s" is stripped).
AFFILIATIONS: dict[str, tuple[str, ...]] = {
    "Russia": ("russia", "russian", "russians", "kremlin", "moscow", "russian federation"),
    "Ukraine": ("ukraine", "ukrainian", "ukrainians", "kyiv", "kiev", "bankova"),
    "United States": (
        "united states", "us", "u.s", "u.s.", "usa", "american", "americans", "washington",
        "white house", "state department", "pentagon", "trump administration",
    ),
    "European Union": ("european union", "eu", "e.u", "e.u.", "brussels", "european commission"),
    "Europe": ("europe", "european", "europeans", "e3", "coalition of the willing"),
    "France": ("france", "french", "paris", "elysee", "élysée"),
    "Germany": ("germany", "german", "berlin"),
    "United Kingdom": ("united kingdom", "uk", "u.k", "u.k.", "britain", "british", "london",
                       "downing street"),
    "NATO": ("nato", "north atlantic treaty organization", "alliance"),
    "Turkey": ("turkey", "turkish", "ankara", "türkiye"),
    "China": ("china", "chinese", "beijing"),
    "Poland": ("poland", "polish", "warsaw"),
    "Belarus": ("belarus", "belarusian", "minsk"),
    "Qatar": ("qatar", "qatari", "doha"),
    "Saudi Arabia": ("saudi arabia", "saudi", "riyadh"),
    "United Arab Emirates": ("united arab emirates", "uae", "emirati"),
    "Hungary": ("hungary", "hungarian", "budapest"),
    "United Nations": ("united nations", "un", "u.n", "u.n."),
    "IAEA": ("iaea", "international atomic energy agency"),
}  # fmt: skip
# Affiliations that belong to a wider bloc (tried in turn when matching scenario parties).
BLOCS: dict[str, tuple[str, ...]] = {
    "France": ("Europe", "European Union"),
    "Germany": ("Europe", "European Union"),
    "Poland": ("Europe", "European Union"),
    "Hungary": ("Europe", "European Union"),
    "United Kingdom": ("Europe",),
    "European Union": ("Europe",),
    "Europe": ("European Union",),
}
# Institution words that make an affiliation mention an actor in its own right.
INSTITUTIONS = frozenset(
    {
        "kremlin", "white house", "state department", "pentagon", "élysée", "elysee",
        "downing street", "bankova", "foreign ministry", "defence ministry", "defense ministry",
        "general staff", "presidential office", "european commission",
    }
)  # fmt: skip

# Role heads that may refer to one another ("the adviser" = "the aide").
ROLE_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"adviser", "advisor", "aide"}),
    frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    frozenset({"president", "leader"}),
    frozenset({"prime minister", "premier", "leader"}),
    frozenset({"chancellor", "leader"}),
    frozenset({"envoy", "special envoy", "negotiator"}),
)

# People the reader knows (name -> affiliation, role); the text's own titles take precedence.
PERSONS: dict[str, tuple[str, str]] = {
    "Vladimir Putin": ("Russia", "president"),
    "Dmitry Peskov": ("Russia", "Kremlin spokesman"),
    "Yuri Ushakov": ("Russia", "foreign policy adviser"),
    "Sergei Lavrov": ("Russia", "foreign minister"),
    "Kirill Dmitriev": ("Russia", "envoy"),
    "Maria Zakharova": ("Russia", "foreign ministry spokeswoman"),
    "Volodymyr Zelensky": ("Ukraine", "president"),
    "Volodymyr Zelenskyy": ("Ukraine", "president"),
    "Volodymyr Zelenskiy": ("Ukraine", "president"),
    "Andriy Yermak": ("Ukraine", "chief of staff"),
    "Rustem Umerov": ("Ukraine", "negotiator"),
    "Andrii Sybiha": ("Ukraine", "foreign minister"),
    "Kyrylo Budanov": ("Ukraine", "intelligence chief"),
    "Donald Trump": ("United States", "president"),
    "Steve Witkoff": ("United States", "special envoy"),
    "Jared Kushner": ("United States", "envoy"),
    "Marco Rubio": ("United States", "secretary of state"),
    "Dan Driscoll": ("United States", "army secretary"),
    "JD Vance": ("United States", "vice president"),
    "Emmanuel Macron": ("France", "president"),
    "Friedrich Merz": ("Germany", "chancellor"),
    "Keir Starmer": ("United Kingdom", "prime minister"),
    "Ursula von der Leyen": ("European Union", "European Commission president"),
    "Kaja Kallas": ("European Union", "foreign policy chief"),
    "Mark Rutte": ("NATO", "secretary general"),
    "Recep Tayyip Erdogan": ("Turkey", "president"),
    "Rafael Grossi": ("IAEA", "director general"),
}

# Media and channels ("according to Reuters", "Russian state media reported").
CHANNELS = frozenset(
    """reuters|ap|associated press|afp|agence france-presse|bloomberg|axios|politico|bbc|cnn|
    the new york times|new york times|the washington post|washington post|the financial times|
    financial times|the wall street journal|wall street journal|the guardian|the economist|
    tass|ria novosti|ria|interfax|ukrinform|ukrainska pravda|the kyiv independent|
    kyiv independent|al jazeera|dpa|nbc news|cbs news|abc news|fox news|sky news|
    russian state media|state media|russian state television|state television|
    russian state news agency|state news agency|russian media|ukrainian media|local media|
    telegram|x|the kremlin's website""".replace("\n", "").split("|")
)
CHANNELS = frozenset(c.strip() for c in CHANNELS if c.strip())

# Negotiation issues: key -> (label, phrases that mention it). Longest phrase wins.
ISSUES: dict[str, tuple[str, tuple[str, ...]]] = {
    "territory": ("territory", (
        "territory", "territorial", "territories", "land", "donbas", "donbass", "donetsk",
        "luhansk", "crimea", "line of contact", "contact line", "front line", "buffer zone",
        "demilitarised zone", "demilitarized zone", "free economic zone", "annexed", "annexation",
        "cede", "ceding", "withdraw from", "withdrawal from",
    )),
    "south_front": ("Kherson and Zaporizhzhia front", (
        "kherson", "zaporizhzhia region", "zaporizhzhia oblast", "southern front",
    )),
    "security": ("security guarantees", (
        "security guarantee", "security guarantees", "guarantees", "article 5",
        "article five", "security assurances", "reassurance force",
    )),
    "army_cap": ("army limits", (
        "army cap", "troop cap", "cap on the armed forces", "cap on ukraine's armed forces",
        "size of ukraine's army", "size of the army", "size of its army", "armed forces",
        "army limits", "limit on the army", "limits on ukraine's army", "600,000", "800,000",
        "troops cap",
    )),
    "nato": ("NATO membership", (
        "nato membership", "join nato", "joining nato", "nato accession", "nato",
        "membership in nato",
    )),
    "eu": ("EU membership", (
        "eu membership", "eu accession", "join the eu", "join the european union",
        "european union membership", "membership of the eu", "membership in the eu",
    )),
    "sanctions": ("sanctions", ("sanctions", "sanctions relief", "g8", "lifting of sanctions")),
    "assets": ("frozen assets", (
        "frozen assets", "frozen russian assets", "russian assets", "immobilised assets",
        "immobilized assets", "reparations loan", "reconstruction fund",
    )),
    "npp": ("nuclear plant", (
        "zaporizhzhia nuclear power plant", "zaporizhzhia nuclear plant", "nuclear plant",
        "nuclear power plant", "nuclear power station", "znpp",
    )),
    "elections": ("elections", ("elections", "election", "presidential vote", "go to the polls")),
    "amnesty": ("amnesty", ("amnesty",)),
    "ceasefire": ("ceasefire", ("ceasefire", "cease-fire", "truce", "energy truce")),
    "prisoners": ("prisoners", ("prisoner exchange", "prisoner swap", "prisoners of war", "pows")),
}  # fmt: skip

# Words that name drafts ("the 28-point plan", "the European counter-proposal").
DRAFT_WORDS = (
    "plan",
    "draft",
    "proposal",
    "counter-proposal",
    "counterproposal",
    "counter-plan",
    "counter-text",
    "counter-offer",
    "framework",
    "text",
    "document",
    "blueprint",
    "revision",
    "revisions",
    "peace plan",
    "deal",
    "agreement",
)

# Event triggers: kind -> words (matched as whole words, lower case).
EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "strike": (
        "strike",
        "strikes",
        "struck",
        "airstrike",
        "airstrikes",
        "missile attack",
        "drone attack",
        "drone attacks",
        "missile attacks",
        "shelling",
        "shelled",
        "bombardment",
        "bombed",
        "barrage",
        "attacked",
    ),
    "incursion": (
        "incursion",
        "incursions",
        "advance",
        "advanced",
        "advancing",
        "offensive",
        "captured",
        "seized",
        "pushed into",
        "crossed into",
        "occupied",
    ),
    "meeting": (
        "meeting",
        "meetings",
        "met",
        "meet",
        "summit",
        "visit",
        "visited",
        "phone call",
        "call with",
        "spoke by phone",
    ),
    "talks": ("talks", "negotiations", "round of talks", "consultations"),
}

# Places the reader knows (lower case); others are found after "in", "near", "at".
PLACES = frozenset(
    {
        "geneva", "miami", "moscow", "kyiv", "kiev", "washington", "abu dhabi", "istanbul",
        "riyadh", "jeddah", "doha", "berlin", "paris", "london", "brussels", "warsaw", "minsk",
        "budapest", "florida", "alaska", "anchorage", "davos", "pokrovsk", "myrnohrad",
        "huliaipole", "kupiansk", "kharkiv", "odesa", "odessa", "dnipro", "lviv", "zaporizhzhia",
        "kherson", "donetsk", "luhansk", "crimea", "sevastopol", "belgorod", "kursk", "bryansk",
        "rostov", "novorossiysk", "sumy", "chernihiv", "kramatorsk", "sloviansk", "siversk",
        "bakhmut", "avdiivka", "vovchansk", "black sea", "sea of azov", "mar-a-lago", "donbas",
        "hallandale beach", "saudi arabia", "turkey", "ukraine", "russia", "europe",
    }
)  # fmt: skip
