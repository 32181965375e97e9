"""PTSD road-traffic cues: a street at a crossing or from a car's passenger seat."""
