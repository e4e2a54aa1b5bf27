"""Image gallery: albums of re-encoded photos, captions, consent, and a slideshow."""
