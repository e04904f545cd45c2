"""Reads for pages, by audience: what a page shows, never a write (services write)."""
