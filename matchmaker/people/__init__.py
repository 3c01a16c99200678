"""People's profile pages, shown according to each profile's visibility."""
