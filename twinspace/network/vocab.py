"""The lists people choose from: subjects, communication languages, project tools, age groups."""

from __future__ import annotations

from functools import cache

from babel import Locale

from twinspace.i18n import N_

SUBJECTS: dict[str, str] = {
    "art": N_("Art"),
    "biology": N_("Biology"),
    "chemistry": N_("Chemistry"),
    "citizenship": N_("Citizenship"),
    "computing": N_("Computing"),
    "economics": N_("Economics"),
    "environment": N_("Environmental education"),
    "foreign-languages": N_("Foreign languages"),
    "geography": N_("Geography"),
    "history": N_("History"),
    "literature": N_("Language and literature"),
    "mathematics": N_("Mathematics"),
    "music": N_("Music"),
    "physical-education": N_("Physical education"),
    "physics": N_("Physics"),
    "pre-school": N_("Pre-school education"),
    "science": N_("Science"),
    "technology": N_("Technology"),
}

LANGUAGES = [
    "bg",
    "cs",
    "da",
    "de",
    "el",
    "en",
    "es",
    "et",
    "fi",
    "fr",
    "ga",
    "hr",
    "hu",
    "is",
    "it",
    "lt",
    "lv",
    "mk",
    "mt",
    "nl",
    "no",
    "pl",
    "pt",
    "ro",
    "sk",
    "sl",
    "sq",
    "sr",
    "sv",
    "tr",
    "uk",
]

TOOLS: dict[str, str] = {
    "blog": N_("Blog"),
    "chat": N_("Chat"),
    "forum": N_("Forum"),
    "wiki": N_("Wiki"),
    "files": N_("Document library"),
    "gallery": N_("Image gallery"),
    "video": N_("Video conference"),
    "email": N_("E-mail"),
}

# The pupils a teacher works with, in the bands schools use across Europe.
AGE_GROUPS: dict[str, str] = {
    "3-6": N_("Ages 3–6 (pre-school)"),
    "7-11": N_("Ages 7–11 (primary)"),
    "12-15": N_("Ages 12–15 (lower secondary)"),
    "16-19": N_("Ages 16–19 (upper secondary)"),
    "adults": N_("Adults"),
}


@cache
def language_names(locale: str) -> dict[str, str]:
    """Language names in the reader's language, from CLDR (no catalogue entries needed)."""
    names = Locale.parse(locale).languages
    return {code: names.get(code, code) for code in LANGUAGES}
