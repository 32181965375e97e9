"""Exposure scenes as plugins.

``scenes.api`` (declarations) and ``scenes.registry`` (the catalogue) are pure
Python; ``scenes.base`` and each scene's ``scene`` module use Panda3D and are
imported only by the engine.
"""
