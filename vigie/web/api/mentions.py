"""API: the mention stream (filters, full-text search, keyset pages) and triage. See docs/api.md"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from vigie.web import mentions as mq
from vigie.web.context import ApiCtx
from vigie.web.views.mentions import apply_bulk, parse_filter

router = APIRouter(tags=["mentions"])


class Mention(BaseModel):
    id: int
    channel: str
    url: str | None
    title: str | None
    text: str = Field(description="the first 400 characters in lists; the whole text from /mentions/{id}")
    author_handle: str | None
    author_name: str | None
    outlet: str | None
    published_at: datetime | None
    collected_at: datetime | None
    language: str | None
    sentiment: str | None
    story_id: int | None
    topic_id: int | None = None
    watch_ids: list[int]
    tags: list[str]
    assignee: int | None
    assignment_status: str | None


class MentionPage(BaseModel):
    mentions: list[Mention]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last")


class TagIn(BaseModel):
    tag: str = Field(min_length=1, max_length=64)


class AssignIn(BaseModel):
    user_id: int | None = Field(description="a member's id; null clears the assignment")
    status: Literal["open", "done"] = "open"


class SentimentIn(BaseModel):
    sentiment: Literal["positive", "neutral", "negative"]


class BulkIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=1000)
    action: Literal["tag", "untag", "assign", "unassign", "done", "sentiment"]
    value: str = ""


class Changed(BaseModel):
    changed: int


def _mention(row: dict[str, Any]) -> Mention:
    return Mention.model_validate(row)


@router.get("/mentions", response_model=MentionPage, summary="Mentions, newest first, with filters")
def list_mentions(
    watch: int | None = None, channel: str | None = None,
    since: str | None = Query(None, description="YYYY-MM-DD, from midnight in the caller's time zone"),
    language: str | None = None, sentiment: str | None = Query(None, description="positive, neutral, negative or none"),
    q: str | None = Query(None, description="full-text search, accent- and case-insensitive"),
    tag: str | None = None, assignee: str | None = Query(None, description='a user id or "me"'),
    story_id: int | None = None, topic_id: int | None = None, source_id: int | None = None, cursor: str | None = None,
    limit: int = Query(50, ge=1, le=200), *, ctx: ApiCtx,
) -> MentionPage:
    ctx.scope.require("read")
    f = parse_filter(ctx, ctx.request.query_params)
    page = mq.list_mentions(ctx.store, ctx.scope, f, limit=limit)
    return MentionPage(mentions=[_mention(r) for r in page.rows], next_cursor=page.next_cursor)


@router.get("/mentions/{mention_id}", response_model=Mention)
def get_mention(mention_id: int, *, ctx: ApiCtx) -> Mention:
    ctx.scope.require("read")
    return _mention(mq.get_mention(ctx.store, ctx.scope, mention_id))


@router.post("/mentions/{mention_id}/tags", response_model=Changed, summary="Tag a mention (editors)")
def tag(mention_id: int, body: TagIn, *, ctx: ApiCtx) -> Changed:
    n = mq.add_tag(ctx.store, ctx.scope, [mention_id], body.tag)
    ctx.audit("mention.tag", "mention", mention_id, {"tag": body.tag})
    return Changed(changed=n)


@router.delete("/mentions/{mention_id}/tags/{tag}", response_model=Changed)
def untag(mention_id: int, tag: str, *, ctx: ApiCtx) -> Changed:
    n = mq.remove_tag(ctx.store, ctx.scope, [mention_id], tag)
    ctx.audit("mention.untag", "mention", mention_id, {"tag": tag})
    return Changed(changed=n)


@router.put("/mentions/{mention_id}/assignment", response_model=Changed)
def assign(mention_id: int, body: AssignIn, *, ctx: ApiCtx) -> Changed:
    n = mq.assign(ctx.store, ctx.scope, [mention_id], body.user_id, body.status)
    ctx.audit("mention.assign", "mention", mention_id, body.model_dump())
    return Changed(changed=n)


@router.put("/mentions/{mention_id}/sentiment", response_model=Changed, summary="Correct a mention's sentiment")
def correct(mention_id: int, body: SentimentIn, *, ctx: ApiCtx) -> Changed:
    n = mq.correct_sentiment(ctx.store, ctx.scope, ctx.workspace, [mention_id], body.sentiment)
    if n:
        ctx.audit("mention.sentiment", "mention", mention_id, {"sentiment": body.sentiment})
    return Changed(changed=n)


@router.post("/mentions/bulk", response_model=Changed, summary="One action on many mentions")
def bulk(body: BulkIn, *, ctx: ApiCtx) -> Changed:
    n = apply_bulk(ctx, body.ids, body.action, body.value)
    ctx.audit(f"mention.bulk.{body.action}", "mention", None, {"ids": body.ids[:200], "value": body.value})
    return Changed(changed=n)


@router.get("/tags", response_model=list[str])
def tags(ctx: ApiCtx) -> list[str]:
    ctx.scope.require("read")
    return mq.list_tags(ctx.store, ctx.scope.workspace_id)
