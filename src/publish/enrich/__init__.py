"""Completing papers' metadata from bibliographic services (`publish enrich`)."""
