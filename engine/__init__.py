"""The headset-side engine (Panda3D). Never imports Qt."""
