"""CLI: `vigie eval sentiment|language|allocine`, `vigie train sentiment`, `vigie sentiment correct|corrections`.
Each prints one JSON object as its last stdout line. See docs/sentiment.md"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import click

from vigie.cli.core import Context, err, pass_ctx, print_json
from vigie.i18n import t
from vigie.settings import Settings

UMSAB_LANGUAGES = {"french": "fr", "english": "en"}
DEFAULT_UMSAB = Path("../shared/data/umsab")
DEFAULT_EXTRA = Path("../shared/data/tweeteval-sentiment-extra")
_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _analyzer(settings: Settings) -> Any:
    from vigie.enrich.sentiment import SentimentAnalyzer

    return SentimentAnalyzer(settings)


@click.group("eval")
def eval_group() -> None:
    """Measure the analyzers on labelled data (JSON on the last line). / Mesurer les analyseurs."""


@eval_group.command("sentiment")
@click.option("--data", type=_DIR, required=True, help="A folder in the UMSAB layout (<language>/<split>_text.txt).")
@click.option("--split", type=click.Choice(["val", "test", "train"]), default="test", show_default=True)
def eval_sentiment(data: Path, split: str) -> None:
    """Macro-F1 (percent) per language on a UMSAB-layout split. / Macro-F1 (%) par langue."""
    from vigie.enrich.sentiment_model import LABELS
    from vigie.enrich.sentiment_train import macro_f1, read_split

    analyzer = _analyzer(Settings())
    out: dict[str, Any] = {}
    started = time.perf_counter()
    total = 0
    for language, code in UMSAB_LANGUAGES.items():
        if not (data / language / f"{split}_text.txt").exists():
            continue
        texts, gold = read_split(data, language, split)
        results = analyzer.analyze_batch([(text, code) for text in texts])
        # Every line gets a label: "not applicable" (empty line, no signal) is scored as neutral.
        pred = [LABELS.index(r.label) if r.label else 1 for r in results]
        out[language] = {"macro_f1": macro_f1(gold, pred), "n": len(texts),
                         "not_applicable": sum(r.label is None for r in results)}
        total += len(texts)
    if not out:
        raise click.ClickException(t("understand.no_split", split=split, path=str(data)))
    out["model"] = analyzer.model
    meta = getattr(getattr(analyzer.backend, "model", None), "meta", {}) or {}
    if split == "val" and meta.get("refit_on_val"):
        # The shipped model has seen val (refit after selection): say so, with the honest figures.
        out["note"] = "model refit on UMSAB val after selection; val_at_selection holds its val figures"
        out["val_at_selection"] = meta.get("val_macro_f1")
    out["texts_per_s"] = round(total / (time.perf_counter() - started), 1)
    print_json(out)


@eval_group.command("language")
@click.option("--data", type=_DIR, required=True, help="A folder in the UMSAB layout.")
@click.option("--split", default="val", show_default=True)
def eval_language(data: Path, split: str) -> None:
    """Language identification accuracy ("und" counts as wrong). / Exactitude de l'identification de langue."""
    from vigie.enrich.language import UND, detect
    from vigie.enrich.sentiment_train import read_lines

    right = und = n = 0
    per: dict[str, dict[str, int]] = {}
    started = time.perf_counter()
    for language, code in UMSAB_LANGUAGES.items():
        path = data / language / f"{split}_text.txt"
        if not path.exists():
            continue
        counts = per.setdefault(language, {"right": 0, "und": 0, "n": 0})
        for text in read_lines(path):
            guess = detect(text).language
            counts["n"] += 1
            counts["right"] += guess == code
            counts["und"] += guess == UND
        right, und, n = right + counts["right"], und + counts["und"], n + counts["n"]
    if not n:
        raise click.ClickException(t("understand.no_split", split=split, path=str(data)))
    print_json({"accuracy": round(100 * right / n, 2), "und": und, "n": n,
                "per_language": {k: round(100 * v["right"] / v["n"], 2) for k, v in per.items()},
                "texts_per_s": round(n / (time.perf_counter() - started), 1), "model": _language_model()})


def _language_model() -> str:
    from vigie.enrich.language import model_name

    return model_name()


@eval_group.command("allocine")
@click.option("--data", type=_DIR, required=True, help="The Allociné folder (train.tsv, test.tsv).")
def eval_allocine(data: Path) -> None:
    """Positive vs negative accuracy on Allociné test.tsv minus train.tsv texts. / Exactitude sur Allociné."""
    def read(name: str) -> list[tuple[str, int]]:
        rows = []
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            label, _, text = line.partition("\t")
            if text:
                rows.append((text, int(label)))
        return rows

    seen = {text for text, _ in read("train.tsv")} if (data / "train.tsv").exists() else set()
    test = [(text, label) for text, label in read("test.tsv") if text not in seen]
    analyzer = _analyzer(Settings())
    results = analyzer.analyze_batch([(text, "fr") for text, _ in test])
    # Larger of the two class scores; a text with no verdict counts as wrong.
    right = sum(bool(r.probabilities) and int(r.probabilities[2] > r.probabilities[0]) == label
                for r, (_, label) in zip(results, test, strict=True))
    print_json({"accuracy": round(100 * right / len(test), 2), "n": len(test),
                "dropped_in_train": len(read("test.tsv")) - len(test), "model": analyzer.model})


@click.group("train")
def train_group() -> None:
    """Train Vigie's own models (needs the [train] extra). / Entraîner les modèles de Vigie."""


@train_group.command("sentiment")
@click.option("--data-umsab", type=_DIR, default=DEFAULT_UMSAB, show_default=True)
@click.option("--data-extra", type=_DIR, default=DEFAULT_EXTRA, show_default=True,
              help="Extra English tweets (train_text.txt, train_labels.txt).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Where the model goes (default: $VIGIE_HOME/models, which the analyzer then prefers).")
@click.option("--refit/--no-refit", default=True, show_default=True,
              help="Retrain the chosen setting on train + val before writing the model.")
@click.option("--corrections/--no-corrections", "use_corrections", default=True, show_default=True,
              help="Add users' corrections from the store, when one exists.")
def train_sentiment(data_umsab: Path, data_extra: Path, out: Path | None, refit: bool, use_corrections: bool) -> None:
    """Select on UMSAB val, train, and write the sentiment model. / Entraîner le modèle de tonalité."""
    from vigie.enrich.sentiment_train import Example, train

    settings = Settings()
    examples: list[Example] = []
    if use_corrections:
        examples = _correction_examples(settings)
        err.print(t("understand.corrections_used", n=len(examples)))
    out = out or settings.home / "models"
    report = train(data_umsab, data_extra, out, corrections=examples, refit=refit, progress=err.print)
    report["corrections"] = len(examples)
    print_json(report)


def _correction_examples(settings: Settings) -> list[Any]:
    """Corrections from the configured store; none when there is no store yet (never creates one)."""
    from vigie.enrich.corrections import export_corrections
    from vigie.enrich.sentiment_model import LABELS
    from vigie.enrich.sentiment_train import CORRECTION_WEIGHT, Example
    from vigie.store import Store

    url = settings.database_url
    if url.startswith("sqlite:///") and not os.path.exists(url[len("sqlite:///"):]):
        return []
    store = Store(url)
    try:
        rows = export_corrections(store)
    finally:
        store.close()
    return [Example(r["text"], LABELS.index(r["label"]), r["language"], CORRECTION_WEIGHT, "correction")
            for r in rows if r["text"]]


@click.group("sentiment")
def sentiment_group() -> None:
    """Correct a mention's sentiment; export corrections. / Corriger la tonalité d'une mention."""


@sentiment_group.command("correct")
@click.argument("mention_id", type=int)
@click.argument("label", type=click.Choice(["negative", "neutral", "positive"]))
@click.option("--user", default=lambda: os.environ.get("USER"), help="Who corrects (default: $USER).")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def sentiment_correct(ctx: Context, mention_id: int, label: str, user: str | None, as_json: bool) -> None:
    """Set a mention's sentiment by hand, kept for training. / Corriger la tonalité d'une mention."""
    from vigie.enrich.corrections import record_correction

    row = record_correction(ctx.store, ctx.workspace()["id"], mention_id, label, user)
    if as_json:
        print_json(row)
    else:
        click.echo(t("understand.corrected", id=mention_id, label=label, previous=row["previous_label"] or "-"))


@sentiment_group.command("corrections")
@pass_ctx
def sentiment_corrections(ctx: Context) -> None:
    """Export this workspace's corrections as JSON. / Exporter les corrections de l'espace."""
    from vigie.enrich.corrections import export_corrections

    rows = export_corrections(ctx.store, ctx.workspace()["id"])
    print_json({"corrections": rows, "n": len(rows)})


@click.group("bench")
def bench_group() -> None:
    """Benchmarks (JSON on the last line of stdout). / Mesures de performance."""


@bench_group.command("analyzers")
@click.option("--data", type=_DIR, default=DEFAULT_UMSAB, show_default=True,
              help="A UMSAB-layout folder whose train and val tweets are the mentions.")
@click.option("--cpu", type=int, default=0, show_default=True, help="Core to pin to (-1: no pinning).")
@click.option("--repeat", default=3, show_default=True, help="Passes; the median is reported.")
def bench_analyzers(data: Path, cpu: int, repeat: int) -> None:
    """Language + sentiment speed on one core (mentions/s). / Vitesse langue + tonalité sur un cœur."""
    import resource
    import statistics

    from vigie.enrich.language import LanguageAnalyzer
    from vigie.enrich.sentiment_train import read_lines
    from vigie.items import Mention

    if cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    texts = [t for language in UMSAB_LANGUAGES for split in ("train", "val")
             if (data / language / f"{split}_text.txt").exists()
             for t in read_lines(data / language / f"{split}_text.txt")]
    started = time.perf_counter()
    language, sentiment = LanguageAnalyzer(), _analyzer(Settings())
    sentiment.process_batch(language.process_batch([Mention("bench", "social", "0", text="Bonjour à tous")]))
    load = time.perf_counter() - started
    timings: list[tuple[float, float]] = []
    for _ in range(repeat):
        mentions = [Mention("bench", "social", str(i), text=text) for i, text in enumerate(texts)]
        t0 = time.perf_counter()
        mentions = language.process_batch(mentions)
        t1 = time.perf_counter()
        sentiment.process_batch(mentions)
        timings.append((t1 - t0, time.perf_counter() - t1))
    lang_s = statistics.median(t for t, _ in timings)
    sent_s = statistics.median(t for _, t in timings)
    n = len(texts)
    print_json({"n": n, "cpu": cpu, "cores": os.cpu_count(), "load_s": round(load, 2),
                "language_per_s": round(n / lang_s), "sentiment_per_s": round(n / sent_s),
                "mentions_per_s_per_core": round(n / (lang_s + sent_s)),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "models": [language.model, sentiment.model]})


def register(cli: click.Group) -> None:
    for group in (eval_group, train_group, sentiment_group, bench_group):
        name = str(group.name)
        if name in cli.commands:  # another module owns the group: add our commands to it
            target = cli.commands[name]
            for command in group.commands.values():
                target.add_command(command)  # type: ignore[attr-defined]
        else:
            cli.add_command(group)
