"""The per-trial databases behind one REST server: a registry mapping host names (`t-<id>.atlassian.net`) to Jira
databases, each with its own connection and lock, that can be added, removed and reset while the server runs.

mcp-atlassian decides Cloud vs Server/Data Center from its `JIRA_URL` host (`utils/urls.py:is_atlassian_cloud_url`:
`*.atlassian.net` is Cloud), so each trial gets a Cloud-looking host and the server picks the database by the
request's `Host` header (or the host of an absolute-form request target, as a proxy receives it)."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from jira_bench_tui.jira import db


def normal_host(host: str) -> str:
    """A host name as the registry keys it: lower case, no port, no trailing dot."""
    text = host.strip().lower()
    if text.startswith("["):
        return text.split("]")[0] + "]"
    return text.rsplit(":", 1)[0].rstrip(".") if text.count(":") == 1 else text.rstrip(".")


@dataclass
class JiraSite:
    """One database served under one host: its path, the template it is reset from, a connection and a lock."""

    host: str
    path: Path
    template: Path | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)
    _conn: sqlite3.Connection | None = None

    def connection(self) -> sqlite3.Connection:
        """The site's connection, opened on first use (callers hold `lock`)."""
        if self._conn is None:
            self._conn = db.connect(self.path)
        return self._conn

    def close(self) -> None:
        """Close the site's connection (it reopens on next use)."""
        with self.lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def reset(self) -> None:
        """Put the database back as its template was (a file copy); ValueError when it has no template."""
        if self.template is None:
            raise ValueError(f"site {self.host} has no template to reset from")
        with self.lock:
            self.close()
            db.copy_database(self.template, self.path)


class HostRegistry:
    """Host name -> JiraSite. Thread-safe; a `default` site answers requests for hosts it does not know."""

    def __init__(self) -> None:
        self._sites: dict[str, JiraSite] = {}
        self._lock = threading.Lock()
        self.default: JiraSite | None = None

    def add(self, host: str, path: Path, *, template: Path | None = None, default: bool = False) -> JiraSite:
        """Serve the database at `path` under `host` (replacing a site of that host). With `template`, the file is
        first copied from it (a fresh trial database) and `reset` copies it again. FileNotFoundError when neither
        `path` nor `template` exists."""
        path = Path(path)
        if template is not None:
            db.copy_database(Path(template), path)
        if not path.is_file():
            raise FileNotFoundError(f"No Jira database at {path}")
        site = JiraSite(normal_host(host), path, Path(template) if template else None)
        with self._lock:
            old = self._sites.pop(site.host, None)
            self._sites[site.host] = site
            if default:
                self.default = site
        if old is not None:
            old.close()
        return site

    def remove(self, host: str) -> None:
        """Stop serving `host` and close its connection (the database file stays). KeyError when unknown."""
        with self._lock:
            site = self._sites.pop(normal_host(host))
            if self.default is site:
                self.default = None
        site.close()

    def reset(self, host: str) -> None:
        """Copy the template of `host` over its database again. KeyError when unknown, ValueError without template."""
        self.get(host, fallback=False).reset()

    def get(self, host: str, *, fallback: bool = True) -> JiraSite:
        """The site of `host` (or the default site when `fallback`); KeyError when there is none."""
        with self._lock:
            site = self._sites.get(normal_host(host))
            if site is None and fallback and self.default is not None:
                return self.default
        if site is None:
            raise KeyError(host)
        return site

    def hosts(self) -> list[str]:
        """The host names served, sorted."""
        with self._lock:
            return sorted(self._sites)

    def close(self) -> None:
        """Close every site's connection."""
        with self._lock:
            sites = list(self._sites.values())
        for site in sites:
            site.close()
