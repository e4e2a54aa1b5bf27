"""Personal data: what each component holds about a person, its export and its erasure.

Each component (accounts, network, people, each room, each tool) declares its tables in a
:class:`~twinspace.personal_data.Component`; the export and the erasure work from
those declarations alone, as Moodle's privacy API does with its providers."""
