"""Blog: posts with a title and rich text, comments, and moderation by teacher admins."""
