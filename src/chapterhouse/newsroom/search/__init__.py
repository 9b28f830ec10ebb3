"""Full-text search of the published articles: the index, the queries and the search page."""
