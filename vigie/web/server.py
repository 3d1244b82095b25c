"""`vigie up`'s web side: the first owner account, then uvicorn in a thread next to the scheduler.
See docs/web.md"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from vigie.web.auth import Accounts, generate_password

log = logging.getLogger(__name__)
FIRST_OWNER = "admin@vigie.local"
VERIFY_EVERY_S = 600.0


def first_run(vigie: Any) -> tuple[str, str] | None:
    """Create the installation's first owner if there is no account at all; returns (email,
    password) to print once (only the hash is stored). Also makes the first owner a member of
    any workspace nobody belongs to yet, so a workspace made with `vigie init` is reachable."""
    from sqlalchemy import select

    from vigie.web import tables as T
    from vigie.web.app import ensure_tables

    store = vigie.store
    ensure_tables(store)
    accounts = Accounts(store)
    created = None
    if accounts.count_users() == 0:
        password = generate_password()
        accounts.create_user(FIRST_OWNER, "Admin", password)
        created = (FIRST_OWNER, password)
    with store.engine.connect() as conn:
        owner = conn.execute(select(T.memberships.c.user_id).where(T.memberships.c.role == "owner")
                             .order_by(T.memberships.c.created_at).limit(1)).scalar()
        if owner is None:
            owner = conn.execute(select(T.users.c.id).order_by(T.users.c.id).limit(1)).scalar()
        staffed = set(conn.execute(select(T.memberships.c.workspace_id).distinct()).scalars())
    for ws in store.list_workspaces():
        if ws["id"] not in staffed and ws["kind"] != "sandbox" and owner is not None:
            accounts.set_membership(int(owner), ws["id"], "owner")
    return created


def _verify_loop(vigie: Any, stop: threading.Event) -> None:
    """Bring the overview's counts up to date at once (a store that predates the web is counted
    here, not during someone's first page view), then every ten minutes check them against the
    mentions (deletions, re-analysis)."""
    from vigie.web import rollup

    check = False
    while not stop.is_set():
        for ws in vigie.store.list_workspaces():
            try:
                rollup.refresh(vigie.store, ws)
                if check:
                    rollup.verify(vigie.store, ws)
            except Exception:  # a failed check must not stop the web server; the next one retries
                log.exception("count check failed for workspace %s", ws["id"])
        check = True
        stop.wait(VERIFY_EVERY_S)


@contextmanager
def serve(vigie: Any, host: str, port: int, say: Callable[[str], None] = print,
          log_level: str = "warning") -> Iterator[Any]:
    """Run the web app on host:port in a background thread for the duration of the block.

    The scheduler keeps the main thread (it owns SIGTERM handling); uvicorn skips installing signal
    handlers outside the main thread, so stopping is done here by setting ``should_exit``.
    """
    import uvicorn

    from vigie.i18n import t
    from vigie.web.app import create_app

    login = first_run(vigie)
    app = create_app(vigie)
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            server_header=False, proxy_headers=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="vigie-web", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise OSError(t("up.web_failed", host=host, port=port))
        time.sleep(0.05)
    stop = threading.Event()
    checker = threading.Thread(target=_verify_loop, args=(vigie, stop), name="vigie-counts", daemon=True)
    checker.start()
    say(t("up.web", url=f"http://{f'[{host}]' if ':' in host else host}:{port}/"))
    if login:
        say(t("up.first_login", email=login[0], password=login[1]))
    try:
        yield server
    finally:
        stop.set()
        server.should_exit = True
        thread.join(timeout=10)
