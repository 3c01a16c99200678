"""Events: afterworks, the congress and workshops; guest lists, invitations, the door."""
