"""Views, by who they serve: ``respond`` (partners answering), and later the facilitators'."""
