"""The console's Qt widgets. Each takes the :class:`SessionModel` in its
constructor, subscribes to ``model.events``, and acts through model methods;
none keeps session state of its own (napari pattern, see docs/STYLE)."""
