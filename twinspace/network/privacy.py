"""Personal data held by the network: postings, contacts, projects and their approvals."""

from twinspace.network import models  # noqa: F401  (the tables declared here)
from twinspace.personal_data import Component, TableData

COMPONENT = Component(
    name="network",
    label="Network: partner finding, contacts and projects",
    tables=(
        TableData(
            "network_postings",
            "Partner-finding postings the person published.",
            owner=("author_id",),
            text=("title", "subjects", "languages", "description", "search_text"),
        ),
        TableData(
            "network_contacts",
            "Contact requests sent and received, with their message.",
            owner=("requester_id", "addressee_id"),
            text=("message",),
        ),
        TableData(
            "network_member_search",
            "The person's entry in the people search (name, school, country).",
            owner=("user_id",),
            text=("text",),
        ),
        TableData(
            "network_profiles",
            "The network profile: photo, about me, languages, subjects, age groups.",
            owner=("user_id",),
            text=("about", "languages", "subjects", "age_groups"),
            blobs=("photo",),
        ),
        TableData(
            "project_kits",
            "Project kits (teaching material, not people).",
            not_personal={
                c: "a kit's content"
                for c in (
                    "title",
                    "summary",
                    "subjects",
                    "tools",
                    "objectives",
                    "activities",
                    "pages",
                )
            },
        ),
        TableData(
            "network_projects",
            "Projects the person founded or co-founded (kept for the partners).",
            attributed=("founder_id", "cofounder_id"),
            cleared=("refused_by_id",),
            text=(
                "title",
                "description",
                "languages",
                "subjects",
                "tools",
                "objectives",
                "procedure",
                "results",
                "refusal_reason",
            ),
        ),
        TableData(
            "network_project_approvals",
            "National support service decisions taken by the person.",
            cleared=("officer_id",),
            text=("reason",),
        ),
    ),
)
