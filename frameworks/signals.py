"""Signals of the frameworks app."""

from django.dispatch import Signal

# Sent once by a bulk update() (so bulk_update() too) or bulk_create() of framework content,
# which send no save signal per row; the sender is the model. A bulk delete() sends
# post_delete for every row already.
content_bulk_written = Signal()
