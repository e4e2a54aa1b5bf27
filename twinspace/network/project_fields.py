"""What a project's form accepts: the detail fields checked as typed (autosave), at a step,
or whole at submission, and what a draft still lacks with a message per field."""

from __future__ import annotations

from typing import Any

from twinspace.i18n import N_
from twinspace.network.forms import Fields
from twinspace.network.models import Project
from twinspace.network.vocab import LANGUAGES, SUBJECTS, TOOLS

# What a project must say before it goes to the co-founder and the NSS, with the message
# that tells the founder what to write (shown next to the field and on the preview).
REQUIRED_MESSAGES = {
    "cofounder_id": N_("Choose your co-founder among your contacts."),
    "school_id": N_("Choose your school."),
    "title": N_("Give the project a title."),
    "description": N_("Describe the project in a few sentences."),
    "languages": N_("Choose at least one communication language."),
    "age_min": N_("Give the pupils' youngest age."),
    "age_max": N_("Give the pupils' oldest age."),
    "pupils_count": N_("Say how many pupils take part."),
    "subjects": N_("Choose at least one subject."),
    "objectives": N_("Write the project's objectives."),
    "procedure": N_("Describe the working procedure."),
    "results": N_("Describe the expected results."),
}
REQUIRED = tuple(n for n in REQUIRED_MESSAGES if n not in ("cofounder_id", "school_id"))


def check_details(body: Any, *, partial: bool, autosave: bool = False) -> dict[str, Any]:
    """The form's third step; ``partial`` checks only the fields sent (API PATCH);
    ``autosave`` keeps whatever is typed so far: empty fields are allowed and the age range
    is checked as a whole only at submission."""
    f = Fields(body)
    need = not autosave

    def wanted(name: str) -> bool:
        return not partial or f.has(name)

    if wanted("title"):
        f.text("title", max_length=200, required=need)
    if wanted("description"):
        f.text("description", max_length=2000, multiline=True, required=need)
    if wanted("languages"):
        f.choices("languages", LANGUAGES, required=need)
    if autosave:
        for name in ("age_min", "age_max"):
            if wanted(name):
                f.integer(name, low=3, high=20, required=False)
    elif wanted("age_min") or wanted("age_max"):
        f.age_range()
    if wanted("pupils_count"):
        f.integer("pupils_count", low=1, high=2000, required=need)
    if wanted("subjects"):
        f.choices("subjects", SUBJECTS, required=need)
    if wanted("tools"):
        f.choices("tools", TOOLS, required=False)
    for name in ("objectives", "procedure", "results"):
        if wanted(name):
            f.text(name, max_length=5000, required=False, multiline=True)
    f.raise_if_invalid()
    return f.values


def missing_fields(project: Project) -> list[str]:
    missing = [n for n in REQUIRED if getattr(project, n) in (None, "", [])]
    if project.founder_school_id is None:
        missing.insert(0, "school_id")
    if project.cofounder_id is None:
        missing.insert(0, "cofounder_id")
    return missing


def missing_messages(project: Project) -> dict[str, str]:
    """What the draft still lacks, each with the message saying what to write (msgids)."""
    return {name: REQUIRED_MESSAGES[name] for name in missing_fields(project)}
