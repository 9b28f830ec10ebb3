"""The translation workflow (the pages under /newsroom/): articles, language desks,
assignments, review, coverage.
"""
