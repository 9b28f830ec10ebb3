"""Readers and the news: the view counter (`counter.py`) and comments with moderation."""
