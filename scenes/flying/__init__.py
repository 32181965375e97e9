"""Flying (aviophobia): an airliner cabin seen from a passenger seat."""
