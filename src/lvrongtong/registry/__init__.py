"""Master data: organisations, enterprises, projects, financial instruments (the green data thematic library)."""
