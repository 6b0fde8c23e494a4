"""Use cases: the only code that commits. Views, the CLI, the API and tasks call these."""
