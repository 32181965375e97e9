"""Heights (acrophobia): a balcony high on a city tower."""
