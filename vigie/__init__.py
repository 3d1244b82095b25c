"""Vigie: a self-hosted, bilingual communications command center. See README.md"""

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("vigie")

__all__ = ["hookimpl", "__version__"]
