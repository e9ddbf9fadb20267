"""The HTML site: templates and pages, styles, map, link checks, writing, the dev server."""
