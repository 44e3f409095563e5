"""Standards as versioned data with their sources: regions, industries, code validation."""
