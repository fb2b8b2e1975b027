"""Structure: (normalized) text -> Document, the model every writer reads.

`build_document` finds the title and front matter, headings at four levels (standalone or inline),
numbered provisions, closing lines, signature and attachments; site and news furniture (datelines,
captions, trailers, page chrome) is left out and reported (furniture.py).
"""

from tasks.reading.structure.build import build_document

__all__ = ["build_document"]
