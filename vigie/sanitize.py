"""Sanitise third-party HTML before it is stored for display. See docs/security.md"""

from __future__ import annotations

import html
import re

import nh3

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "q", "s", "small", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "*": {"lang"}}
_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


def clean_html(fragment: str | None) -> str | None:
    """Keep harmless markup; drop scripts, styles, event handlers and javascript:/data: URLs."""
    if not fragment:
        return fragment
    return nh3.clean(
        fragment,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(fragment: str | None) -> str:
    """Plain text of an HTML fragment, for matching and search."""
    if not fragment:
        return ""
    if "<" not in fragment and "&" not in fragment:
        return _SPACE.sub(" ", fragment).strip()
    text = nh3.clean(fragment, tags=set(), strip_comments=True)
    return _SPACE.sub(" ", html.unescape(_TAGS.sub(" ", text))).strip()
