""" "My profile": the signed-in person edits their own profile, language and consent."""
