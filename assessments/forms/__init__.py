"""Forms, by who they serve: ``respond`` (the questionnaire) and ``facilitate``."""
