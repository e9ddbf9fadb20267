"""The Lunr index and its Italian pipeline, the catalogue's facets, 'Pratiche simili'."""
