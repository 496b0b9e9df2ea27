"""One test per attribution finder and per reading rule of issue 18, each on sentences written
in the style that uses it (the corpus in bench/news_corpus measures them on whole articles)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from zopa.io import load_scenario
from zopa.io.articles import parse_article
from zopa.news import attribution, read_news, read_text_article
from zopa.news.attribution import FINDERS


def _speakers(text: str) -> list[str | None]:
    return [q.speaker for q in read_text_article(text).quotes]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # honorifics after the quote, and "he added" inheriting them
        ('"We will not trade land," Mr. Zelensky said. He added that it was "final."',
         ["Zelensky", "Zelensky"]),
        ("“It is a good plan,” Mr Trump wrote.", ["Trump"]),
        # the speaker before the quote; a later sentence does not override it
        ('Ushakov said that "the text does not suit us." Peskov said nothing.', ["Ushakov"]),
        ('Kremlin aide Yuri Ushakov told reporters: "We are ready."', ["Yuri Ushakov"]),
        ('Foreign Minister Sergei Lavrov was quoted as saying by the ministry that Russia '
         '"remains open."', ["Sergei Lavrov"]),
        ('Deputy Foreign Minister Sergei Ryabkov was cited as saying by RIA that Moscow '
         '"will not give up."', ["Sergei Ryabkov"]),
        ('Earlier, Yuri Ushakov had spoken of "a useful conversation."', ["Yuri Ushakov"]),
        ('Sir Keir Starmer welcomed the "real progress" made in Geneva.', ["Keir Starmer"]),
        ('Kremlin spokesman Dmitry Peskov called the plan "theft", and said Russia would '
         'respond "in the harshest way".', ["Dmitry Peskov", "Dmitry Peskov"]),
        # a participle takes the sentence's subject; an apposition names the speaker
        ('Yuri Ushakov went further, telling state television that "nothing was agreed."',
         ["Yuri Ushakov"]),
        ('Its spokesman, Dmitry Peskov, said the proposals were "not helpful".',
         ["Dmitry Peskov"]),
        # a colon after the subject
        ('German Chancellor Friedrich Merz was more blunt: "A ceasefire is not peace."',
         ["Friedrich Merz"]),
        # a bare role: the nearest person it fits
        ('Presidential aide Yury Ushakov spoke on Tuesday. "We have received nothing," the '
         'Kremlin official said.', ["Yury Ushakov"]),
        # mismatched marks: straight opened, curly closed, and a missing comma
        ('"Today the guarantees are stronger.“ he said of Volodymyr Zelensky\'s plan.', [None]),
        ('Volodymyr Zelensky spoke in Kyiv. "We resist the invasion." he continued.',
         ["Volodymyr Zelensky"]),
        # a relative clause or an apposition between the name after the quote and its verb,
        # and "he added" inheriting it
        ("“The draft already holds our main points,” envoy Taras Holub, who led the team in "
         "Bern, said.\n\n“We thank our partners for the work,” he added.",
         ["Taras Holub", "Taras Holub"]),
        ("“No text has reached us,” Anton Serov, the ministry spokesman, told reporters.",
         ["Anton Serov"]),
        # guillemets
        ("Dmitry Peskov said «the Ukrainian side is playing for time».", ["Dmitry Peskov"]),
        # a title before a name in apposition, and a possessive title that refers back to it
        ("The aide to the Russian president, Anton Volkov, spoke after the talks. The Kremlin "
         "leader’s aide said the meeting was “long but useful.”", ["Anton Volkov"]),
        # a possessive title for a president whose affiliation the text never gave
        ("President Petro Hrytsenko spoke on Monday. Ukraine’s president said the text was "
         "“a good basis.”", ["Petro Hrytsenko"]),
        # "the Head of State" is the president
        ("President Olena Marchuk spoke in Kyiv.\n\n“We need results soon,” the Head of State "
         "noted.", ["Olena Marchuk"]),
        # a title with a possessive determiner, named only in the next paragraph
        ("“Most of our priorities are in,” its negotiator said on Sunday.\n\n“The text "
         "reflects our aims,” negotiator Ivan Kosar, who also chairs the council, said.",
         ["Ivan Kosar", "Ivan Kosar"]),
        # a paragraph that is only a quote goes on with the speaker of the paragraph before
        ("“The tone was calm,” Anton Volkov told state radio as the president flew to Delhi."
         "\n\n“They know each other well. They talk often.”", ["Anton Volkov", "Anton Volkov"]),
        # ... but not when the attributed sentence did not end that paragraph
        ("“The tone was calm,” Anton Volkov said. Later Mr. Petrenko met the envoy."
         "\n\n“They know each other well.”", ["Anton Volkov", None]),
        # a title's descriptive modifiers do not contradict the role given before; its rank does
        ("Presidential aide Anton Volkov arrived early.\n\nThe Kremlin's top foreign policy "
         "adviser said the talks were “truly useful”.", ["Anton Volkov"]),
        ("Foreign Minister Ivan Orlov arrived early.\n\nThe deputy foreign minister said the "
         "talks were “truly useful”.", ["deputy foreign minister"]),
        # a participle after a comma belongs to the main clause's subject, not to its object
        ("President Dan Miller, who often changes course on Ukraine, criticised Kyiv on his "
         "platform, saying its leadership “SHOWED NO THANKS.”", ["Dan Miller"]),
    ],
)  # fmt: skip
def test_attribution_patterns(text: str, want: list[str | None]) -> None:
    got = _speakers(text)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert (g is None) if w is None else (g is not None and g.endswith(w.split()[-1]))


def test_a_medium_named_in_quotation_marks_is_not_a_quote() -> None:
    a = read_text_article(
        'Marchuk said so in an interview, quoted by the "Novyny" agency. The newspaper '
        "«Dzerkalo Tyzhnia» reported it too. Marchuk called it “Progress” in a post."
    )
    assert [q.text for q in a.quotes] == ["Progress"]


def test_an_unnamed_official_is_not_matched_with_a_person_of_unknown_side() -> None:
    """Only an office (president, leader) may fit someone whose affiliation is not given; a
    generic "US official" is not the president named earlier."""
    a = read_text_article(
        "President Olena Marchuk spoke in Kyiv. The agency cited an unnamed US official. "
        "“We hope to finish soon,” the official said."
    )
    assert a.quotes[0].speaker != "Olena Marchuk"


def test_an_anonymous_source_is_named_as_such() -> None:
    a = read_text_article(
        "A source in Russian diplomatic circles told the agency that talks could resume "
        '"in the coming days."'
    )
    q = a.quotes[0]
    assert (q.speaker, q.attribution) == (None, "anonymous")
    assert q.source is not None and "source" in q.source


def test_a_quote_continued_in_the_next_paragraph_keeps_its_speaker() -> None:
    a = read_text_article(
        '"We may face a difficult choice," Mr. Zelensky said. "I will fight.\n\n'
        '"I will not betray Ukraine."'
    )
    assert [(q.speaker or "").split()[-1] for q in a.quotes] == ["Zelensky"] * 3
    assert a.quotes[2].attribution == "continued"


def test_a_portal_source_and_quote_layout() -> None:
    a = read_text_article(
        "Source: Zelensky in his evening address\n\n"
        'Quote: "Our position has not changed."\n\nDetails: more.'
    )
    assert a.quotes[0].speaker is not None and a.quotes[0].speaker.endswith("Zelensky")
    assert {x.label for x in a.actors}.isdisjoint({"Source", "Quote", "Details"})


def test_finders_are_a_list_a_new_pattern_is_one_entry() -> None:
    names = [name for name, _f in FINDERS]
    assert names[:2] == ["split", "after"] and len(set(names)) == len(names)
    # each with its docstring (read from the source: a compiled function keeps none)
    tree = ast.parse((Path(str(attribution.__file__)).parent / "attribution.py").read_text())
    docs = {f.name: ast.get_docstring(f) for f in tree.body if isinstance(f, ast.FunctionDef)}
    assert all(docs.get(f.__name__) for _n, f in FINDERS)


def test_one_actor_across_spellings_and_middle_initials_kept() -> None:
    a = read_text_article(
        "Dmitri S. Peskov, the Kremlin spokesman, spoke. Later Dmitry Peskov said no. "
        "President Volodymyr Zelenskyy met Vladimir V. Putin. Zelensky said yes. "
        "Yuri Ushakov spoke, and Yury Ushakov said more."
    )
    people = {x.name for x in a.actors if x.kind == "person"}
    assert "Dmitri S. Peskov" in people and "Vladimir V. Putin" in people
    assert len([p for p in people if "Peskov" in p]) == 1
    assert len([p for p in people if p.startswith("Volodymyr")]) == 1
    assert len([p for p in people if "Ushakov" in p]) == 1


def test_sentence_openers_and_possessives_are_not_actors() -> None:
    a = read_text_article(
        "Ahead of the talks, Kremlin aide Yuri Ushakov spoke. Nevertheless, the mood was calm. "
        "NATO's Article 5 was discussed. Overnight, drones hit Kostiantynivka."
    )
    labels = {x.label for x in a.actors}
    assert labels.isdisjoint({"Ahead", "Nevertheless", "NATO's", "Overnight", "Kostiantynivka"})


@pytest.mark.parametrize(
    ("text", "place", "date", "agency"),
    [
        ("KYIV, Ukraine (AP) — Ukraine said", "KYIV, Ukraine", None, "AP"),
        ("MOSCOW, November 25. /TASS/. Russia has", "MOSCOW", "November 25", "TASS"),
        ("WASHINGTON — President Trump said", "WASHINGTON", None, None),
        ("MOSCOW, Dec 2 (Reuters) - The Kremlin said", "MOSCOW", "Dec 2", "Reuters"),
    ],
)
def test_datelines_of_every_wire_format(text: str, place: str, date: str | None,
                                        agency: str | None) -> None:  # fmt: skip
    d = read_text_article(text).dateline
    assert d is not None and (d.place, d.date, d.agency) == (place, date, agency)


@pytest.mark.parametrize(
    "text",
    [
        "Russian officials claimed that their forces had taken two villages.",
        "The Kremlin has claimed that Ukrainian troops are surrounded.",
        "According to unconfirmed reports, Russian units had entered the town.",
        "Russia's Defense Ministry said it shot down 40 drones, a figure that could not be "
        "independently verified.",
    ],
)
def test_unproven_claims_are_caught_with_who_made_them(text: str) -> None:
    claims = read_text_article(text).claims
    assert [c.status for c in claims] == ["unverified"]
    assert claims[0].source


def test_html_page_furniture_is_dropped() -> None:
    html = (
        "<html><body><header>“Independent since 1998,” it says</header><nav>Live</nav>"
        '<div class="cookie-banner">"We value your privacy"</div><article><p>Kremlin '
        'spokesman Dmitry Peskov said "no".</p><aside>"Peace is near," a reader wrote</aside>'
        "</article><footer>“Read us”</footer></body></html>"
    )
    text = parse_article(html.encode(), "x.html").text
    assert text == 'Kremlin spokesman Dmitry Peskov said "no".'


@pytest.fixture(scope="module")
def scenario():  # type: ignore[no-untyped-def]
    return load_scenario(EXAMPLES / "ukraine-2025.yaml")


@pytest.mark.parametrize(
    "text",
    [
        # a question, a condition and a denial are no stance
        'Asked whether Russia would accept the 20-point plan, Peskov said: "We will see."',
        "Putin said troops would advance if Kyiv refuses the 28-point plan.",
        "Dmitry Peskov denied that Moscow had rejected the Geneva revision.",
        # rejecting a description of a plan is not rejecting the plan
        "Yuri Ushakov rejected the characterization of the Geneva revision as a breakthrough.",
    ],
)
def test_no_stance_from_questions_conditions_denials_or_descriptions(scenario, text) -> None:  # type: ignore[no-untyped-def]
    n = read_news([parse_article(text.encode(), "a.txt")], scenario)
    assert n.evidence == ()


def test_a_stance_maps_to_the_draft_the_clause_is_about(scenario) -> None:  # type: ignore[no-untyped-def]
    text = (
        'Kremlin aide Yuri Ushakov said the 28-point plan "could be taken as a basis," but the '
        'European alternative, in his words, "does not suit us at all."'
    )
    n = read_news([parse_article(text.encode(), "a.txt")], scenario)
    items = sorted(tuple(sorted(e.item().items())) for e in n.evidence)
    got = {(dict(i)["party"], dict(i).get("accepts"), dict(i).get("rejects")) for i in items}
    assert got == {("russia", "us-28", None), ("russia", None, "europe")}
    for e in n.evidence:
        assert e.speaker == "Yuri Ushakov" and e.sentence.startswith("Kremlin aide")
        assert e.quote is not None and e.quote in e.sentence


def test_confidence_follows_directness(scenario) -> None:  # type: ignore[no-untyped-def]
    def conf(text: str) -> float:
        n = read_news([parse_article(text.encode(), "a.txt")], scenario)
        return n.evidence[0].confidence

    head = conf('Russian President Vladimir Putin said the European plan was "unacceptable".')
    spokesman = conf('Kremlin spokesman Dmitry Peskov said the European plan was "unacceptable".')
    unnamed = conf('A Russian official said the European plan was "unacceptable".')
    assert head > spokesman > unnamed
