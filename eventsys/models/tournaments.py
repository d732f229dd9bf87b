"""Ball-game tournaments: stages, groups, matches and results."""
