"""Tag suggestions for tag fields, and the organisers' page to merge synonyms."""
