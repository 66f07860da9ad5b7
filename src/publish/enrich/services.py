"""The services `enrich` knows, by name (the names of `settings.SOURCES`)."""

from __future__ import annotations

from . import arxiv, crossref, openalex, semanticscholar
from .service import Service

SERVICES: dict[str, Service] = {module.SERVICE.name: module.SERVICE
                                for module in (arxiv, openalex, crossref, semanticscholar)}
