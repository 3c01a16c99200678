"""Use cases. Each public function is one transaction: it commits, or it changes nothing.

Views, CLI commands and scheduled jobs call these; they never commit themselves.
"""
