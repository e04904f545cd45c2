"""Writes that touch several models, each one transaction, by who they serve: ``respond``
(partners answering) and ``facilitate`` (facilitators setting up and inviting)."""
