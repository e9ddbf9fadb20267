"""The printed volumes: planned from the site, made as PDF/UA with WeasyPrint."""
