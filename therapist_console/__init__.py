"""The therapist console (PySide6 widgets over a Qt-free model). Never imports Panda3D."""
