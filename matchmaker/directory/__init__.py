"""The members' directory of organisations and people."""
