"""The safe place: a calm meadow with a breathing guide (see ``scene``)."""
