"""Clinical exposure protocols and fear hierarchies (pure Python: no Qt, no Panda3D).

* :mod:`protocols.model`: the typed protocol model and its checks (types, ranges,
  keys) on the shared field specs of :mod:`palier.core.fields`.
* :mod:`protocols.validate`: checks against the scene catalogue.
* :mod:`protocols.files`: reading and checking TOML files, the installed library
  (:func:`~protocols.files.load_protocol`, :func:`~protocols.files.library`,
  :func:`~protocols.files.installed`).
* :mod:`protocols.reference`: the format reference and JSON Schema, from the model.
* :mod:`protocols.ladders`: a patient's fear ladder and its versioned store.
* :mod:`protocols.measures`: SUDS validation and per-step measures (the one place).
* :mod:`protocols.progression`: habituation and inhibitory-learning suggestions.
* :mod:`protocols.schedule`: when SUDS is due.
* :mod:`protocols.erp`, :mod:`protocols.ptsd`: urges and rituals; hotspots.
* :mod:`protocols.clinical_log`: their tables in the session record's file.
* :mod:`protocols.questionnaires`: SSQ and IPQ with published scoring.
"""
