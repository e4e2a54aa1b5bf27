"""The Wiki tool: pages a whole class writes together, live (a CRDT per page), with revisions."""
