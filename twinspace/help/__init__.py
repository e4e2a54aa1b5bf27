"""Help: the public page of national support contacts and ambassadors, and the guides."""
