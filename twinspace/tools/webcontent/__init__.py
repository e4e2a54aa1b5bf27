"""Web content: a rich-text block written by an administrator."""
