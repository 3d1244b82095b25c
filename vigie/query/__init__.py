"""Watch queries: parse Boolean/NEAR/field queries and match them against mentions fast. See docs/queries.md"""

from vigie.query.doc import Doc
from vigie.query.index import WatchIndex
from vigie.query.matcher import Query, compile_query
from vigie.query.nodes import And, Field, Near, Node, Not, Or, Term
from vigie.query.parser import parse

__all__ = ["And", "Doc", "Field", "Near", "Node", "Not", "Or", "Query", "Term", "WatchIndex",
           "compile_query", "parse"]
