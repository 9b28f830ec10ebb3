"""Photos and albums: upload and cleaning, the gallery and album pages, their admin."""
