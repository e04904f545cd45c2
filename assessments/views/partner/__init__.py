"""The partner's journey: invitation → landing → about you → one page per characteristic → ways
of creating value → review → personal results. No account and no JavaScript needed.

Tokens never stay in a URL: invitation and resume links are exchanged for a session and the
browser is redirected to a URL without them. Every form also carries the private resume token,
so a final submit whose session expired is still saved.

Every view opens with ``assessments.access.partner_view``, which resolves the journey once.
By job: ``entry`` (invitation and resume links, the landing page, Start), ``steps`` (the pages
of the questionnaire in order, and moving between them), ``questions`` (about you, each
characteristic, value modes), ``review`` (check your answers, submit) and
``personal_results``.
"""
