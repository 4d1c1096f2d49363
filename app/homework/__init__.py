"""Homework: the structured fact-check a student hands in for each module, and its review."""
