"""The OpenXR headset backend (``palier engine --backend openxr``).

Pure modules (no ``xr``, no Panda3D), tested without a runtime:

* :mod:`.projection`: each view's field of view -> the projection matrix of a
  Panda3D ``MatrixLens`` (asymmetric frustum);
* :mod:`.poses`: OpenXR poses (right-handed, Y up, -Z forward) -> Panda3D's
  (right-handed, Z up, +Y forward), composition, heading, the recenter offset;
* :mod:`.lifecycle`: the session state machine, fed the runtime's events;
* :mod:`.bindings`: the actions and their bindings for the common
  interaction profiles;
* :mod:`.controls`: controller state -> the patient's inputs (``adjust``,
  ``confirm``, ``stop`` by holding both grips);
* :mod:`.formats`: the swapchain format chosen from the runtime's list;
* :mod:`.timing`: the runtime's frame figures (display period, frames late
  or dropped);
* :mod:`.errors`: why a headset cannot be used, in the user's language.

Bridges: :mod:`.gl` (the current OpenGL context's native handles and a
framebuffer blit, through ctypes), :mod:`.runtime` (everything that calls
``xr``: instance, system, session, spaces, actions, swapchains, frames) and
:mod:`.backend` (Panda3D: eye buffers, eye cameras, the frame hooks). ``xr``
is imported only when the openxr backend is chosen.
"""
