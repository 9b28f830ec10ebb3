#!/usr/bin/env python
"""Django's command-line utility; ``chapterhouse`` is the same with a friendlier name."""

from chapterhouse.cli import main

if __name__ == "__main__":
    main()
