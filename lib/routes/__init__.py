"""Route handlers of each function; ``api/<name>.py`` only builds the app."""
