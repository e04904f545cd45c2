"""The results page's own plain words for each characteristic: what it means and what a partner
(a patient or a carer as much as a chief executive) can do about it, written for CollabAssess at
a reading age of about 9 to 11.

They lead the page; the publisher's names and statements follow them, credited and unchanged,
and so do the suggestions for the people who run a collaboration. Keyed by the characteristic's
slug, so both editions share them where the meaning is the same; a characteristic without plain
words of its own (a framework added in the admin) gets ``GENERAL``, and its statements' own plain
English (``Indicator.plain_english``) still leads its fold.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlainWords:
    title: str  # a plain name, shown before the publisher's
    means: str  # what it is about, to follow "This is about "
    you_can: tuple[str, ...]  # what the partner can do, in their own words


PURPOSE = PlainWords(
    "Knowing what the group is for",
    "everyone knowing what the group is trying to do, and why.",
    (
        "Ask the person who runs the meetings to say in one or two sentences what the group is for.",
        "If it is not clear to you, say so. Other people may feel the same.",
    ),
)
COMMUNICATION = PlainWords(
    "Talking and meeting well",
    "people hearing what is going on in good time, and meeting and talking in ways that suit them.",
    (
        "Say how you would like to hear news: by e-mail, by letter or at a meeting.",
        "Ask for papers to be sent early and written in plain words.",
    ),
)

BY_SLUG: dict[str, PlainWords] = {
    "purpose-driven-strategy": PURPOSE,
    "purpose-with-values": PURPOSE,
    "partners-committed-to-purpose": PlainWords(
        "Everyone playing their part",
        "the people and groups in it doing what they said they would, and having a real say.",
        (
            "Ask what each partner has said they will do, and if it is being done.",
            "If you feel you are not listened to, tell the person who runs the meetings.",
        ),
    ),
    "trust-and-generosity": PlainWords(
        "Trust and helping each other",
        "people being open and honest, sharing what they know and helping each other.",
        (
            "Share one thing you know that could help others in the group.",
            "If something feels unfair or hidden, ask about it calmly and openly.",
        ),
    ),
    "leaders-who-span-boundaries": PlainWords(
        "Leaders who bring people together",
        "leaders working for the whole group, not only for their own part of it.",
        (
            "Ask the leaders how they make sure every partner is heard, not only the biggest.",
            "Tell a leader about a problem that falls between two services.",
        ),
    ),
    "good-communication-and-connection": COMMUNICATION,
    "ways-to-communicate-and-convene": COMMUNICATION,
    "ways-to-measure-and-improve": PlainWords(
        "Checking what works",
        "the group checking if its work makes things better, and changing what does not work.",
        (
            "Ask how the group knows if its work is helping people.",
            "Share your own story of what got better or worse. It counts too.",
        ),
    ),
    "enabling-governance-processes": PlainWords(
        "How decisions are made",
        "clear and fair ways to decide things and to say who does what.",
        (
            "Ask who makes the decisions and how you can have a say.",
            "Ask for a short note of what was decided after each meeting.",
        ),
    ),
    "skills-and-capabilities": PlainWords(
        "Having the right skills",
        "people having the skills, time and help they need to work well together.",
        (
            "Tell the group what would help you take part, such as training, time or help with costs.",
            "Offer a skill or something you have lived through that the group could use.",
        ),
    ),
}

# A strength's own lines: what a partner can do to keep it going.
KEEP_IT_STRONG = (
    "Tell the group what works well here, so that it keeps going.",
    "Help new people join in with it, so that it does not rest on a few.",
)

GENERAL = (
    "Ask about this at your next meeting, and say what would make it better for you.",
    "If it is hard to speak up, tell the person who runs the meetings before or after.",
)


def plain_words(slug: str, short_name: str) -> PlainWords:
    """The plain words of a characteristic, or general ones under its short name."""
    return BY_SLUG.get(slug) or PlainWords(short_name, "", GENERAL)
