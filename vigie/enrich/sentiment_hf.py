"""Optional sentiment backend: a Hugging Face sequence-classification model already on disk (the
`transformers` extra). Nothing is downloaded: models load with local_files_only. See docs/sentiment.md"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np

from vigie.exceptions import NotConfigured

log = logging.getLogger(__name__)

INSTALL_HINT = "the transformers sentiment backend is not installed: pip install 'vigie[transformers]'"
MAX_TOKENS = 256  # per window; longer texts are cut into windows first (see sentiment.windows)
BATCH = 32


def _import() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise NotConfigured(INSTALL_HINT) from exc
    return torch, transformers


def label_map(id2label: dict[int, str]) -> np.ndarray:
    """For each of the model's classes, its column among (negative, neutral, positive).
    Understands names with neg/neu/pos, star ratings (1-2 negative, 3 neutral, 4-5 positive),
    and falls back to the UMSAB order (0 negative, 1 neutral, 2 positive) for LABEL_n names."""
    n = len(id2label)
    out = np.zeros((n, 3), dtype=np.float32)
    for i in range(n):
        name = str(id2label.get(i, f"LABEL_{i}")).lower()
        if "neg" in name:
            col = 0
        elif "neu" in name:
            col = 1
        elif "pos" in name:
            col = 2
        elif name[:1].isdigit() and "star" in name:
            stars = int(name[0])
            col = 0 if stars <= 2 else 1 if stars == 3 else 2
        elif n == 3:
            col = i
        elif n == 2:
            col = 0 if i == 0 else 2
        else:
            raise NotConfigured(f"cannot tell what class {i} ({name!r}) of this model means")
        out[i, col] = 1.0
    return out


class TransformersBackend:
    languages = None  # a multilingual model may read any language: the analyzer does not filter

    def __init__(self, model: str) -> None:
        torch, transformers = _import()
        self.torch = torch
        try:
            self.tokenizer = transformers.AutoTokenizer.from_pretrained(model, local_files_only=True)
            self.net = transformers.AutoModelForSequenceClassification.from_pretrained(model, local_files_only=True)
        except OSError as exc:
            raise NotConfigured(f"sentiment model {model!r} is not on this machine (nothing is downloaded "
                                f"at run time): give a local path or a model already in the cache ({exc})") from exc
        self.net.eval()
        config = self.net.config
        self.columns = label_map({int(k): v for k, v in (config.id2label or {}).items()})
        # A folder is named by its last part; a cached hub model by its id and commit.
        revision = getattr(config, "_commit_hash", None)
        path = Path(model)
        short = path.name if path.is_dir() else model
        self.name = f"hf:{short}{'@' + revision[:8] if revision and not path.is_dir() else ''}"[:64]

    def batch(self, items: list[tuple[str, str | None]]) -> list[np.ndarray | None]:
        from vigie.enrich.sentiment import windows

        pieces: list[str] = []
        owner: list[int] = []
        for i, (text, _) in enumerate(items):
            for window in windows(text):
                pieces.append(window)
                owner.append(i)
        probs = np.zeros((len(pieces), 3), dtype=np.float32)
        with self.torch.no_grad():
            for start in range(0, len(pieces), BATCH):
                chunk = pieces[start:start + BATCH]
                encoded = self.tokenizer(chunk, truncation=True, max_length=MAX_TOKENS, padding=True,
                                         return_tensors="pt")
                logits = self.net(**encoded).logits
                probs[start:start + len(chunk)] = self.torch.softmax(logits, dim=-1).numpy() @ self.columns
        out: list[np.ndarray | None] = []
        owners = np.array(owner)
        for i in range(len(items)):
            rows = probs[owners == i]
            out.append(rows.mean(axis=0) if len(rows) else None)
        return out
