from .view import IssueView, extract_links, header_text, label_chips, prepare_markdown

__all__ = ["IssueView", "extract_links", "header_text", "label_chips", "prepare_markdown"]
