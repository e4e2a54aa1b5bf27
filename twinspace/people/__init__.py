"""The TwinSpace's people: invitations, pupil accounts, roles, profiles, mailbox, calendar,
project journal and the latest-activities feed (SPEC.md §3)."""
