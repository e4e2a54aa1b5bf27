"""Forum: topics with replies one level deep, locking, pinning and unread markers."""
