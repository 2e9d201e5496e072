"""The public site's frame: the base page, the home page, static files, and `openpeace serve`."""
