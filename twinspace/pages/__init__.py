"""The widget-host API: pages, widgets, the widget context and the Tool contract. It sits
below both the rooms that hold pages and the tools placed on them (docs/architecture.md)."""
