"""The public news site: home, categories, tags, articles, feeds, sitemap, and its page cache."""
