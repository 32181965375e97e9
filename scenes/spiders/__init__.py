"""Spiders: graded exposure for arachnophobia (procedural house spiders)."""
