"""Batch conversion of folders and archives (`policyparse batch`); see docs/batch.md.

Kept import-light: the command module imports `runner` only when the command runs.
"""
