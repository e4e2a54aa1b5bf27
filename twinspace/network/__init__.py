"""The network outside any TwinSpace: registration, partner finding, contacts, projects and
their approval by the co-founder and the national support services (SPEC.md §1-2)."""
