"""Chapterhouse: the registry, meetings and publications of a federated organization."""
