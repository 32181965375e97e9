"""Enclosed spaces: graded exposure for claustrophobia (a lift, a small windowless room)."""
