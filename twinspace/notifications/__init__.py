"""In-app notifications: one row per recipient, a live event on the recipient's user room."""
