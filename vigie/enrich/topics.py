"""Event topics ("sujets"): mentions about the same event grouped online in one pass per workspace, each
group with a readable label; near-duplicate stories are a finer level. See docs/topics.md"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from vigie import hookimpl
from vigie.enrich.topics_terms import MAX_TERMS, Vector, make_label, surface_rank, vectorize
from vigie.items import Mention

# A term in more active topics than this is too common to find candidates with (its weight is low
# anyway); it still counts for the topics of BIG members or more, and in every centroid.
POSTING_CAP = 64
POSTING_SHARE = 0.005
BIG = 3
# Share of a mention's name weight (places, people, organisations) a topic must hold for the mention to
# join it: two water-main breaks in two boroughs share every word but the borough.
NAME_SHARE = 0.5
WORD_SHARE = 0.1
MIN_SHARED = 2  # one shared word ("wow", a borough) is a coincidence, not an event


@dataclass(eq=False, slots=True)
class Topic:
    id: int
    terms: dict[str, float]  # summed member weights (no IDF: the IDF is applied when comparing)
    surfaces: dict[str, str]
    languages: dict[str, int]
    first_seen: datetime
    last_seen: datetime
    size: int = 1
    label: str = ""
    labelled_at: int = 0  # size at the last labelling: relabelled at every doubling
    norm: float = 1.0
    added: int = 0  # members added since the last write
    dirty: bool = False
    seed: int | None = None  # first mention, for stable ids across re-runs
    # term -> language of the mention that brought it (in memory only: labels prefer the topic's language)
    langs: dict[str, str] = field(default_factory=dict)


@dataclass
class TopicState:
    """One workspace's active topics in memory, with the inverted index term -> topics."""

    workspace_id: int
    version: int
    topics: dict[int, Topic] = field(default_factory=dict)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)  # term -> {topic id: its weight there}
    big: dict[int, Topic] = field(default_factory=dict)
    story_topic: dict[int, Topic] = field(default_factory=dict)
    covered_from: datetime | None = None  # every topic with last_seen >= this is in memory
    max_seen: datetime | None = None
    pruned_at: datetime | None = None
    next_temp: int = -1
    df: dict[str, float] = field(default_factory=dict)  # term -> summed weight over the active topics
    mass: int = 0  # mentions in the active topics
    name_keys: set[str] = field(default_factory=set)  # terms seen written as names

    # -- weights ----------------------------------------------------------------------------------
    def idf(self, term: str, log_n: float) -> float:
        """Inverse document frequency over the mentions of the active topics (their summed weights):
        a word most mentions use tells little about which event one is about."""
        return max(0.1, log_n - math.log(self.df.get(term, 0.0) + 1.0) + 1.0)

    def log_n(self) -> float:
        return math.log(self.mass + 1.0)

    def _count(self, term: str, weight: float) -> None:
        left = self.df.get(term, 0.0) + weight
        if left > 1e-9:
            self.df[term] = left
        else:
            self.df.pop(term, None)

    def _refresh(self, topic: Topic, log_n: float) -> None:
        idf = self.idf
        topic.norm = math.sqrt(sum((c * idf(t, log_n)) ** 2 for t, c in topic.terms.items())) or 1.0

    # -- membership -------------------------------------------------------------------------------
    def add(self, topic: Topic) -> None:
        self.topics[topic.id] = topic
        self.mass += topic.size
        postings = self.postings
        for term, weight in topic.terms.items():
            self._count(term, weight)
            posting = postings.get(term)
            if posting is None:
                postings[term] = {topic.id: weight}
            else:
                posting[topic.id] = weight
        if topic.size >= BIG:
            self.big[topic.id] = topic
        if self.max_seen is None or topic.last_seen > self.max_seen:
            self.max_seen = topic.last_seen

    def remove(self, topic: Topic) -> None:
        self.topics.pop(topic.id, None)
        self.big.pop(topic.id, None)
        self.mass -= topic.size
        for term, weight in topic.terms.items():
            self._unpost(term, topic.id)
            self._count(term, -weight)

    def _unpost(self, term: str, topic_id: int) -> None:
        posting = self.postings.get(term)
        if posting is not None:
            posting.pop(topic_id, None)
            if not posting:
                del self.postings[term]

    def rekey(self, topic: Topic, new_id: int) -> None:
        """A topic made in this batch gets its stored id."""
        old = topic.id
        del self.topics[old]
        topic.id = new_id
        self.topics[new_id] = topic
        for term in topic.terms:
            posting = self.postings[term]
            posting[new_id] = posting.pop(old)
        if old in self.big:
            self.big[new_id] = self.big.pop(old)

    def prune(self, window: timedelta) -> None:
        """Forget topics that ended more than two windows before the newest one seen."""
        if self.max_seen is None:
            return
        line = self.max_seen - 2 * window
        if self.pruned_at is not None and line - self.pruned_at < timedelta(hours=1):
            return
        for topic in [t for t in self.topics.values() if t.last_seen < line and t.added == 0]:
            self.remove(topic)
        self.pruned_at = line
        if self.covered_from is not None and self.covered_from < line:
            self.covered_from = line

    # -- the single pass --------------------------------------------------------------------------
    def assign(self, vec: Vector, mention_id: int, threshold: float, window: timedelta,
               joined: Topic | None = None) -> Topic:
        """Join the most similar active topic (cosine >= threshold, within the window) or start one;
        ``joined`` (the topic of the mention's near-duplicates) skips the comparison."""
        log_n = self.log_n()
        idf = self.idf
        weights = vec.weights
        idfs = {t: idf(t, log_n) for t in weights}
        if len(weights) > MAX_TERMS:
            kept = sorted(weights, key=lambda t: -weights[t] * idfs[t])[:MAX_TERMS]
            weights = {t: weights[t] for t in kept}
        if joined is None:
            joined = self._best(weights, idfs, vec, threshold, window)
        if joined is None:
            topic = Topic(self.next_temp, dict(weights), {t: vec.surfaces.get(t, t) for t in weights},
                          {vec.language or "": 1}, vec.when, vec.when, added=1, dirty=True, seed=mention_id,
                          langs=dict.fromkeys(weights, vec.language or ""))
            self.next_temp -= 1
            self.add(topic)
            self._refresh(topic, self.log_n())
            self._relabel(topic, self.log_n())
            return topic
        self._join(joined, weights, vec, log_n)
        return joined

    def _best(self, weights: dict[str, float], idfs: dict[str, float], vec: Vector, threshold: float,
              window: timedelta) -> Topic | None:
        postings, big = self.postings, self.big
        cap = max(POSTING_CAP, int(len(self.topics) * POSTING_SHARE))
        acc: dict[int, float] = {}
        get = acc.get
        norm2 = 0.0
        # The hot loop: the postings carry each topic's weight, so a dot product is one multiply-add
        # per (term, topic) pair without touching the topics.
        for term, w in weights.items():
            v = w * idfs[term]
            norm2 += v * v
            posting = postings.get(term)
            if posting is None:
                continue
            f = v * idfs[term]
            if len(posting) > cap:
                if not big:
                    continue
                for tid in posting.keys() & big.keys():
                    acc[tid] = get(tid, 0.0) + f * posting[tid]
            else:
                for tid, c in posting.items():
                    acc[tid] = get(tid, 0.0) + f * c
        if not acc:
            return None
        floor = threshold * math.sqrt(norm2)
        lo, hi = vec.when - window, vec.when + window
        topics = self.topics
        passing = []
        for tid, dot in acc.items():
            topic = topics[tid]
            score = dot / topic.norm
            if score >= floor and topic.last_seen >= lo and topic.first_seen <= hi:
                passing.append((score, tid))
        if not passing:
            return None
        passing.sort(reverse=True)
        # Similar overall is not enough: the topic must also hold a share of the mention's names (where,
        # who) and of its other words (what happened), so a shared borough or a shared word does not
        # make one event of two.
        # A word written as a name anywhere ("LaSalle") is a name in a post typed in lower case too.
        known = self.name_keys
        known.update(vec.names)
        names = [(t, w) for t, w in weights.items() if t in known]  # every name counts: a new one too
        words = [(t, w * idfs[t]) for t, w in weights.items() if t not in known]
        name_floor = NAME_SHARE * sum(v for _, v in names)
        word_floor = WORD_SHARE * sum(v for _, v in words)
        language = vec.language or ""
        for _score, tid in passing:
            topic = topics[tid]
            terms = topic.terms
            if sum(t in terms for t in weights) < MIN_SHARED or sum(v for t, v in names if t in terms) < name_floor:
                continue
            # Words are compared within a language only: across languages the names carry the match.
            if topic.languages.get(language) and sum(v for t, v in words if t in terms) < word_floor:
                continue
            return topic
        return None

    def _join(self, topic: Topic, weights: dict[str, float], vec: Vector, log_n: float) -> None:
        terms, surfaces, postings = topic.terms, topic.surfaces, self.postings
        self.mass += 1
        for term, w in weights.items():
            self._count(term, w)
            old = terms.get(term)
            if old is None:
                terms[term] = w
                posting = postings.get(term)
                if posting is None:
                    postings[term] = {topic.id: w}
                else:
                    posting[topic.id] = w
                surfaces[term] = vec.surfaces.get(term, term)
                topic.langs[term] = vec.language or ""
            else:
                terms[term] = postings[term][topic.id] = old + w
                shown = vec.surfaces.get(term)
                if shown is not None and shown != surfaces.get(term) and \
                        surface_rank(shown) > surface_rank(surfaces.get(term, "")):
                    surfaces[term] = shown
        if len(terms) > MAX_TERMS:
            idf = self.idf
            ranked = sorted(terms, key=lambda t: -terms[t] * idf(t, log_n))
            for term in ranked[MAX_TERMS:]:
                self._count(term, -terms.pop(term))
                surfaces.pop(term, None)
                topic.langs.pop(term, None)
                self._unpost(term, topic.id)
        topic.size += 1
        topic.added += 1
        topic.dirty = True
        language = vec.language or ""
        topic.languages[language] = topic.languages.get(language, 0) + 1
        if vec.when > topic.last_seen:
            topic.last_seen = vec.when
            if self.max_seen is None or vec.when > self.max_seen:
                self.max_seen = vec.when
        if vec.when < topic.first_seen:
            topic.first_seen = vec.when
        if topic.size >= BIG:
            self.big[topic.id] = topic
        self._refresh(topic, self.log_n())
        if topic.size >= 2 * max(topic.labelled_at, 1):
            self._relabel(topic, self.log_n())

    def _relabel(self, topic: Topic, log_n: float) -> None:
        # The topic's language: most members, the first member's on a tie (dicts keep insertion order).
        language = max(topic.languages, key=topic.languages.__getitem__, default="")
        # Labels weigh terms by how few topics use them (not by mentions): the borough every member
        # names is what tells this topic from the others, however often it is said.
        n = len(self.topics) + 1
        postings = self.postings
        topic.label = make_label(topic.terms, topic.surfaces,
                                 lambda t: math.log(n / max(1, len(postings.get(t, ())))) + 1.0, topic.langs, language)
        topic.labelled_at = topic.size


class TopicsAnalyzer:
    """Assigns each new mention to an event topic inside the ingest batch's transaction
    (``after_insert``); ``process_batch`` changes nothing. State is per workspace, in memory, checked
    against the store's topic version before every batch."""

    name = "topics"

    def __init__(self, settings: Any = None) -> None:
        get = settings.get if settings is not None else (lambda _name, default=None: default)
        self.threshold = float(get("topic_threshold", DEFAULT_THRESHOLD))
        self.window = timedelta(hours=float(get("topic_window_hours", 72)))
        self.states: dict[tuple[int, int], TopicState] = {}  # (id of the store, workspace id) -> its topics
        self.assigned: dict[int, int | None] = {}  # the last batch's mention -> topic (re-runs count changes)
        self.reuse: dict[int, int] = {}  # re-runs: mention id -> the topic id it had, reused when freed
        self.free_ids: set[int] = set()

    def process(self, mention: Mention) -> Mention:
        return mention

    def process_batch(self, mentions: list[Mention]) -> list[Mention]:
        return mentions

    def use_workspace(self, store: Any, workspace_id: int) -> None:
        from vigie.enrich.topics_store import read_version

        with store.engine.connect() as conn:
            self._bind(store, workspace_id, read_version(conn, workspace_id))

    def _bind(self, store: Any, workspace_id: int, version: int) -> TopicState:
        state = self.states.get((id(store), workspace_id))
        if state is None or state.version != version:
            # Another process wrote (or our last batch rolled back): the store is the truth.
            state = self.states[(id(store), workspace_id)] = TopicState(workspace_id, version)
        state.prune(self.window)
        return state

    def after_insert(self, conn: Any, store: Any, workspace_id: int, rows: list[dict[str, Any]]) -> None:
        from vigie.enrich import topics_store as ts

        # Checked again inside the batch's transaction: another process may have written topics
        # since use_workspace looked, and its centroids must not be overwritten from a stale copy.
        state = self._bind(store, workspace_id, ts.read_version(conn, workspace_id, lock=True))
        # Until this batch's version is written, the copy in memory is not the store's: if anything
        # fails before the commit, the next batch reloads.
        written, state.version = state.version, -1
        self.assigned = {}
        live = []
        for row in rows:
            vec = vectorize(row)
            if vec is not None:
                live.append((row, vec))
        if not live:
            state.version = written
            return
        ts.cover(conn, state, [vec.when for _, vec in live], self.window)
        stories = ts.story_topics(conn, store, state, rows)
        members: dict[int, Topic] = {}
        for row, vec in live:
            story = stories.get(row["id"])
            joined = state.story_topic.get(story) if story is not None else None
            if joined is not None and state.topics.get(joined.id) is not joined:
                joined = None  # pruned or reloaded since
            topic = state.assign(vec, row["id"], self.threshold, self.window, joined)
            if story is not None:
                state.story_topic[story] = topic
            members[row["id"]] = topic
        ts.write_batch(conn, store, state, written, members, self.reuse, self.free_ids)
        self.assigned = {mid: topic.id for mid, topic in members.items()}
        if len(state.story_topic) > 100_000:
            state.story_topic.clear()

    def prepare_rerun(self, conn: Any, store: Any, workspace_id: int, since: datetime | None) -> None:
        """Before `vigie enrich --stage topics`: clear the range's assignments (ids kept for reuse)."""
        from vigie.enrich.topics_store import clear_range

        self.reuse, self.free_ids = clear_range(conn, store, workspace_id, since)
        self.states.pop((id(store), workspace_id), None)


# Chosen by `vigie eval topics` on its tuning seed (7), best pairwise F1 with at most 10 % of the chatter in event topics; see docs/topics.md.
DEFAULT_THRESHOLD = 0.225


@hookimpl
def register_analyzers() -> list[type]:
    return [TopicsAnalyzer]
