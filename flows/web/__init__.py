"""`gongwen web`: a page to hand in drafts and fetch documents (docs/web.md)."""
