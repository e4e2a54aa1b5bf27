"""Document library: folders and files shared on a page, with a trash restorable for 30 days."""
