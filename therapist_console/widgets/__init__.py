"""The console's Qt widgets. Each takes, in its constructor, the parts of the
session model (``palier.therapist_console.session``) it shows, subscribes to
their ``events``, and acts through their methods; none keeps session state
of its own (napari pattern; docs/console-model.md lists what each takes)."""
