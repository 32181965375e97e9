"""Clinical exposure protocols and fear hierarchies (pure Python)."""
