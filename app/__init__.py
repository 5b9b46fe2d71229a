"""Encaisse: get small French businesses paid (receivables, reminders, formal notices)."""

__version__ = "0.1.0"
APP_NAME = "Encaisse"
