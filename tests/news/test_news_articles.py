"""Wire-style articles the project wrote, with the expected structures written by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES
from zopa.io import load_scenario
from zopa.news import read_article_file, read_news, read_text_article

HERE = Path(__file__).parent / "articles"
UKRAINE = EXAMPLES / "ukraine-2025.yaml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(UKRAINE)


def _quotes(a):
    return [(q.text, q.speaker, q.verb, q.attribution) for q in a.quotes]


def test_geneva_quotes_and_speakers():
    a = read_article_file(HERE / "geneva-talks.txt")
    assert _quotes(a) == [
        ("We have made real progress", "Marco Rubio", "told", "after"),
        ("There are still some issues", "Marco Rubio", "said", "after"),  # "he said"
        ("but none of them are insurmountable.", "Marco Rubio", "said", "split"),
        ("most of our key priorities", "Rustem Umerov", "said", "before"),
        ("This is not a serious proposal", "Russia's deputy foreign minister", "said", "after"),
        ("Nobody will recognise the annexed territories", None, "said", "anonymous"),
        ("We were told: ‘take it or leave it’", None, "said", "anonymous"),
        ("Peace is possible before the end of the year.", None, None, "none"),
    ]
    split = a.quotes[2]
    assert split.continues == 1 and split.kind == "partial"
    assert a.quotes[3].kind == "partial" and a.quotes[0].kind == "full"
    assert a.quotes[6].nested == ("take it or leave it",)
    title_only = a.quotes[4]
    assert title_only.affiliation == "Russia" and title_only.channel == "Russian state media"


def test_geneva_actors_roles_and_resolution():
    a = read_article_file(HERE / "geneva-talks.txt")
    by_id = {x.id: x for x in a.actors}
    rubio = by_id["marco-rubio"]
    assert (rubio.affiliation, rubio.role) == ("United States", "secretary of state")
    umerov = by_id["rustem-umerov"]
    # apposition "Rustem Umerov, Ukraine's top negotiator," and later "The negotiator"
    assert umerov.affiliation == "Ukraine" and umerov.role == "negotiator"
    assert len(umerov.mentions) == 3
    minister = by_id["russia-s-deputy-foreign-minister"]
    assert minister.name is None and minister.role == "deputy foreign minister"


def test_geneva_claims_deadlines_events():
    a = read_article_file(HERE / "geneva-talks.txt")
    unverified = [c for c in a.claims if c.status == "unverified"]
    assert len(unverified) == 1
    assert unverified[0].text.startswith("Russian forces struck the city of Dnipro")
    assert unverified[0].source == "Ukrainian officials"
    assert unverified[0].hedge == "not yet been independently verified"
    assert [d.text for d in a.deadlines] == [
        "by Thanksgiving",
        "within 100 days",
        "before the end of the year",
    ]
    strike = next(e for e in a.events if e.kind == "strike")
    assert (strike.place, strike.time, strike.status) == ("Dnipro", "overnight", "reported")
    assert {i.key for i in a.issues} >= {"territory", "elections", "ceasefire"}


def test_sample_article_with_the_ukraine_scenario(scenario):
    n = read_news([EXAMPLES / "news" / "kremlin-revisions.txt"], scenario)
    a = n.articles[0]
    ushakov = next(x for x in a.actors if x.name == "Yuri Ushakov")
    assert (ushakov.affiliation, ushakov.role, ushakov.party) == (
        "Russia",
        "foreign policy adviser",
        "russia",
    )
    # "Ushakov told reporters" and "the adviser added" resolve to him
    assert [q.speaker for q in a.quotes[:3]] == ["Yuri Ushakov"] * 3
    assert a.quotes[0].text == "definitely do not improve the document"
    assert a.quotes[0].channel == "Reuters"
    assert {i.scenario_issue for i in a.issues} >= {"territory", "security", "sanctions", "assets"}
    items = [e.item() for e in n.evidence]
    src = "Yuri Ushakov (foreign policy adviser), via Reuters"
    assert items == [
        {"party": "russia", "prefers": "us-28", "over": "europe", "source": src},
        {"party": "russia", "prefers": "us-28", "over": "geneva", "source": src},
        {"party": "russia", "rejects": "europe", "source": "Russia, via Dmitry Peskov"},
        {"party": "ukraine", "accepts": "plan-20", "source": "Volodymyr Zelensky (president)"},
    ]
    assert n.evidence[0].quote == "definitely do not improve the document"
    assert n.evidence[0].confidence == 0.8
    unverified = [c for c in a.claims if c.status == "unverified"]
    assert [c.source for c in unverified] == ["Russian state media"]
    assert [d.text for d in a.deadlines] == ["before the end of the year", "by Thanksgiving"]
    kinds = [(e.kind, e.status, e.place) for e in a.events]
    assert ("meeting", "scheduled", "Moscow") in kinds
    assert ("talks", "scheduled", "Miami") in kinds
    assert ("strike", "reported", "Odesa") in kinds


def test_html_article_drops_scripts_and_reads_entities(scenario):
    n = read_news([HERE / "strikes.html"], scenario)
    a = n.articles[0]
    assert a.title == "Drone strikes hit Kharkiv as envoys prepare Moscow visit"
    assert "never appear" not in a.text and "Fake quote" not in a.text
    assert "Scripts are off" not in a.text
    assert _quotes(a) == [
        ("The attack lasted three hours", "Oleh Syniehubov", "wrote", "after"),
        ("rejects", "Dmitry Peskov", "said", "before"),
        ("The Europeans’ text is not acceptable", "Dmitry Peskov", "said", "after"),
    ]
    assert a.quotes[0].channel == "Telegram"
    # "The claims could not be independently verified." two paragraphs after the strike
    assert [c.status for c in a.claims] == ["unverified", "attributed"]
    assert a.claims[0].text.startswith("KYIV, Dec 1 — Russian drones struck")
    assert [e.item()["rejects"] for e in n.evidence] == ["europe"]
    assert n.evidence[0].quote == "rejects"  # the first of two quotes saying so
    assert n.evidence[0].confidence == 0.7  # a spokesman's direct quote (a head of state: 0.9)


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ("“We are ready,” Kremlin spokesman Dmitry Peskov said.", "Dmitry Peskov"),
        ("„Wir sind bereit“, sagte er. Peskov said: „We are ready.“", "Dmitry Peskov"),
        ("«Nous sommes prêts», said French President Emmanuel Macron.", "Emmanuel Macron"),
        ("‘We are ready,’ said Putin.", "Vladimir Putin"),
        ('"We are ready," the Kremlin said.', "Kremlin"),
    ],
)
def test_quotation_marks_of_every_kind(text, speaker):
    a = read_text_article(text)
    assert a.quotes[-1].speaker == speaker


def test_pronoun_with_two_people_is_not_guessed():
    text = "Witkoff met Umerov in Miami. “It went well,” he said."
    a = read_text_article(text)
    assert a.quotes[0].speaker is None and a.quotes[0].verb == "said"


def test_ambiguous_title_is_not_guessed():
    text = (
        "Russian President Vladimir Putin spoke to U.S. President Donald Trump. "
        "“We agreed on nothing,” the president said."
    )
    assert read_text_article(text).quotes[0].speaker is None


def test_sentence_splitting_keeps_abbreviations_and_initials():
    text = "Gen. Valery Zaluzhny met Mr. J. D. Vance in the U.S. capital. Talks went on."
    a = read_text_article(text)
    assert [e.kind for e in a.events] == ["meeting", "talks"]
    assert a.events[0].text == "Gen. Valery Zaluzhny met Mr. J. D. Vance in the U.S. capital."


def test_quote_running_on_into_the_next_paragraph():
    text = (
        '"We discussed territory at length," Ushakov said. "We will meet again\n\n'
        '"next week, and the week after that. There is no deadline."\n\n'
        "Officials in Kyiv declined to comment."
    )
    a = read_text_article(text)
    assert [(q.speaker, q.attribution, q.continues) for q in a.quotes] == [
        ("Yuri Ushakov", "after", None),
        ("Yuri Ushakov", "context", None),  # a lone quote after his, same paragraph
        ("Yuri Ushakov", "continued", 1),
    ]
    assert a.actors[0].known_from == "lexicon"  # the text gives only the surname


def test_surname_in_headline_resolves_to_the_full_name_given_later():
    text = (
        "Yermak says Kyiv will not cede Donbas\n\n"
        'Ukrainian presidential chief of staff Andriy Yermak said Kyiv "will never accept" '
        "a deal that cedes Donbas."
    )
    a = read_text_article(text)
    yermak = next(x for x in a.actors if x.name == "Andriy Yermak")
    assert len(yermak.mentions) == 2 and yermak.affiliation == "Ukraine"
    assert yermak.known_from == "text"
    assert a.claims[0].source == "Andriy Yermak"
    assert a.quotes[0].kind == "partial" and a.quotes[0].speaker == "Andriy Yermak"


def test_datelines():
    a = read_article_file(EXAMPLES / "news" / "kremlin-revisions.txt")
    assert a.dateline is not None
    assert (a.dateline.place, a.dateline.date, a.dateline.agency) == ("MOSCOW", "Dec 2", "Reuters")
    g = read_article_file(HERE / "geneva-talks.txt")
    assert g.dateline is not None and (g.dateline.place, g.dateline.agency) == ("GENEVA", None)
    assert read_text_article("No dateline here.").dateline is None


def test_verified_and_unverified_claims():
    text = (
        "Ukraine's military said Russian troops crossed into the Sumy region on Friday, "
        "according to Reuters, which independently verified the footage.\n\n"
        "Russia's defence ministry said it destroyed 40 drones, reportedly over Bryansk."
    )
    a = read_text_article(text)
    assert [(c.status, c.hedge) for c in a.claims] == [
        ("verified", "independently verified"),
        ("unverified", "reportedly"),
    ]
    assert a.claims[0].source == "Ukraine's military" and a.claims[0].channel == "Reuters"
    inc = next(e for e in a.events if e.kind == "incursion")
    assert (inc.place, inc.time) == ("the Sumy region", "on Friday")


def test_drafts_named_by_author_or_person(scenario):
    text = (
        "Kremlin spokesman Dmitry Peskov said Moscow accepted the US plan.\n\n"
        "Ukrainian President Volodymyr Zelensky said Kyiv rejected Trump’s plan."
    )
    n = read_news([_article(text)], scenario)
    assert [e.item() for e in n.evidence] == [
        {"party": "russia", "accepts": "us-28", "source": "Russia, via Dmitry Peskov"},
        {"party": "ukraine", "rejects": "us-28", "source": "Ukraine, via Volodymyr Zelensky"},
    ]


def _article(text):
    from zopa.io.articles import Article

    return Article(file="<test>", text=text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "British Foreign Secretary David Lammy said: ‘We will not accept a “peace” that "
            "rewards aggression.’",
            [("We will not accept a “peace” that rewards aggression.", "David Lammy", "before")],
        ),
        (  # a plural possessive inside single quotes is not a closing mark
            "‘It’s not over,’ Lammy said. ‘The allies’ plan stands.’",
            [("It’s not over", "Lammy", "after"), ("The allies’ plan stands.", "Lammy", "context")],
        ),
        (
            'Zelenskiy\'s office said the talks were "constructive" but gave no details.',
            [("constructive", "Zelenskiy's office", "before")],
        ),
        (
            'Mr. Witkoff, who arrived in Moscow on Tuesday, said: "We are here to listen."',
            [("We are here to listen.", "Steve Witkoff", "before")],
        ),
        (
            '"We\'re close," U.S. Secretary of State Marco Rubio told NBC News. "Very close."',
            [("We're close", "Marco Rubio", "after"), ("Very close.", "Marco Rubio", "context")],
        ),
    ],
)
def test_attribution_patterns(text, expected):
    a = read_text_article(text)
    assert [(q.text, q.speaker, q.attribution) for q in a.quotes] == expected
