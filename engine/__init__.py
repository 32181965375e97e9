"""The headset-side engine (Panda3D). Never imports Qt."""

BACKENDS = ("desktop", "offscreen", "openxr", "auto")
"""Display backend names (here, not in ``engine.backends``, so the command
line can offer them without importing Panda3D). ``auto``: openxr when a
headset is found, else desktop."""
