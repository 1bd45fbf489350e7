"""CLI commands, one module each; a module with `register(app)` adds its command(s) to the app."""
