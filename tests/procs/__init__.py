"""Small programs the tests run as separate processes (``python -m tests.procs.<name>``)."""
