"""Judged contests: criteria, panels, score sheets and results."""
