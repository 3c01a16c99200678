"""The organisers' view of outgoing mail: what waits, what failed; retry or cancel."""
