"""Shared, renderer- and GUI-free pieces: the command line and the wire messages."""

__version__ = "0.1.0"
