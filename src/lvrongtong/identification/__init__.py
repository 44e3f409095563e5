"""Green / transition identification against the catalogues (rule layer; statistical layer to come)."""
