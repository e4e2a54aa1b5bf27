"""Pupils' passwords: three short words and two digits from a word list a child can spell
("tiger-apple-cloud-42", "lapin-neige-volcan-17"), and an estimate of the strength of a
word a teacher chose instead (5 to 8 characters, SPEC.md §3).

The lists (``words/en.txt``, ``words/fr.txt``) hold 300+ everyday words of 2 to 8 plain
letters each: three words and 90 two-digit numbers give more than 28 bits (about 31)."""

from __future__ import annotations

import math
import secrets
from functools import cache
from pathlib import Path

from twinspace.i18n import N_

WORDS_DIR = Path(__file__).parent / "words"
LANGUAGES = ("en", "fr")
WORDS_PER_PASSWORD = 3
NUMBERS = range(10, 100)  # two digits
STRENGTHS = {"weak": N_("weak"), "fair": N_("fair"), "strong": N_("strong")}


@cache
def word_list(lang: str) -> tuple[str, ...]:
    path = WORDS_DIR / f"{lang if lang in LANGUAGES else 'en'}.txt"
    words = {w.strip() for w in path.read_text(encoding="utf-8").split() if w.strip()}
    return tuple(sorted(words))


def generated_bits(lang: str = "en") -> float:
    """The entropy of a generated password, in bits."""
    return WORDS_PER_PASSWORD * math.log2(len(word_list(lang))) + math.log2(len(NUMBERS))


def generate_password(lang: str = "en") -> str:
    """Three words and two digits, e.g. "tiger-apple-cloud-42": easy to read aloud."""
    words = word_list(lang)
    chosen = [secrets.choice(words) for _ in range(WORDS_PER_PASSWORD)]
    return "-".join([*chosen, str(NUMBERS[secrets.randbelow(len(NUMBERS))])])


def estimate_bits(password: str) -> float:
    """A guesser's view of a chosen word: its alphabet to the power of its length, and
    next to nothing for a word of our lists or a run of one character."""
    if password.lower() in word_list("en") or password.lower() in word_list("fr"):
        return math.log2(2 * len(word_list("en")))
    if len(set(password)) <= 2:
        return math.log2(len(password) * 100)
    alphabet = 0
    alphabet += 26 if any(c.islower() for c in password) else 0
    alphabet += 26 if any(c.isupper() for c in password) else 0
    alphabet += 10 if any(c.isdigit() for c in password) else 0
    alphabet += 33 if any(not c.isalnum() for c in password) else 0
    return len(password) * math.log2(max(alphabet, 2))


def strength_of(bits: float) -> str:
    """A key of STRENGTHS: "weak" under 20 bits, "fair" under 28, "strong" from 28 (the bar
    that generated passwords clear)."""
    if bits < 20:
        return "weak"
    return "fair" if bits < 28 else "strong"
