"""Managed server environments: MCP servers that cannot share jira-bench's environment (mcp-atlassian needs mcp 1.x)
installed apart, one isolated virtual environment per server and version, under the user's cache folder.

Layout: `<root>/<name>-<version>/` is a venv holding the server and `jira-bench-server.json` (name, version,
installed_at, executable). `<root>` is $JIRA_BENCH_SERVERS_DIR, else $XDG_CACHE_HOME/jira-bench/servers, else
~/.cache/jira-bench/servers. An install is built in a hidden temp folder beside it and renamed into place, so a
folder with the final name is always a whole install; an interrupted one leaves only a `.…tmp` folder, removed by
the next install of that server.

Public API: `install(name, version=None, progress=None) -> InstalledServer`, `installed() -> list[InstalledServer]`,
`find(name, version=None) -> Path | None`, `parse_requirement("mcp-atlassian==0.23.1") -> (name, version)`,
`KNOWN_SERVERS`, `DEFAULT_VERSIONS`. Failures are one-sentence `UserError`s (field="server").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jira_bench_tui.errors import UserError

SERVERS_DIR_ENV = "JIRA_BENCH_SERVERS_DIR"
MCP_ATLASSIAN = "mcp-atlassian"
MCP_ATLASSIAN_ENV = "JIRA_BENCH_MCP_ATLASSIAN"  # an mcp-atlassian executable to use instead of the managed one
MARKER = "jira-bench-server.json"
INSTALL_TIMEOUT_S = 900.0


@dataclass(frozen=True)
class ServerPackage:
    """A server jira-bench knows how to install: its PyPI project, its console script and its pinned version."""

    name: str
    project: str
    executable: str
    default_version: str


KNOWN_SERVERS: dict[str, ServerPackage] = {
    MCP_ATLASSIAN: ServerPackage(MCP_ATLASSIAN, "mcp-atlassian", "mcp-atlassian", "0.23.1"),
}
DEFAULT_VERSIONS = {name: package.default_version for name, package in KNOWN_SERVERS.items()}
Progress = Callable[[str], None]


@dataclass(frozen=True)
class InstalledServer:
    """One managed install: `path` is its folder (a venv), `executable` the server's command in it, `size_bytes`
    the folder's size on disk, `installed_at` a unix time."""

    name: str
    version: str
    path: Path
    executable: Path
    installed_at: float
    size_bytes: int


def servers_root() -> Path:
    """The folder of the managed installs: $JIRA_BENCH_SERVERS_DIR, else $XDG_CACHE_HOME/jira-bench/servers, else
    ~/.cache/jira-bench/servers (not created here)."""
    explicit = os.environ.get(SERVERS_DIR_ENV, "").strip()
    if explicit:
        return Path(explicit).expanduser().resolve()
    cache = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(cache).expanduser() if cache else Path.home() / ".cache"
    return (base / "jira-bench" / "servers").resolve()


def package_for(name: str) -> ServerPackage:
    """The known server called `name`; UserError naming the known ones otherwise."""
    package = KNOWN_SERVERS.get(name.strip().lower())
    if package is None:
        raise UserError(f"jira-bench cannot install a server called {name!r} (it knows: {', '.join(KNOWN_SERVERS)})",
                        field="server")
    return package


_VERSION = re.compile(r"^[0-9]+(\.[0-9]+)*([a-z0-9.+-]*)$", re.IGNORECASE)


def parse_requirement(text: str) -> tuple[str, str | None]:
    """`NAME` or `NAME==VERSION` -> (name, version or None). UserError for another form or an unknown name."""
    name, sep, version = text.strip().partition("==")
    name, version = name.strip().lower(), version.strip()
    if sep and not _VERSION.match(version):
        raise UserError(f"{text!r} does not name a version: write NAME==VERSION, e.g. mcp-atlassian==0.23.1",
                        field="server")
    if not re.fullmatch(r"[a-z0-9][a-z0-9._-]*", name):
        raise UserError(f"{text!r} is not a server name: write NAME or NAME==VERSION, e.g. mcp-atlassian",
                        field="server")
    package_for(name)
    return name, (version if sep else None)


def install_dir(name: str, version: str) -> Path:
    """Where `name` `version` is (or would be) installed."""
    return servers_root() / f"{name}-{version}"


def _bin_dir(venv: Path) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin")


def _python(venv: Path) -> Path:
    return _bin_dir(venv) / ("python.exe" if os.name == "nt" else "python")


def _read_marker(folder: Path) -> dict[str, object] | None:
    try:
        data = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _folder_size(folder: Path) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(folder):
        for file in files:
            try:
                total += (Path(dirpath) / file).lstat().st_size
            except OSError:
                pass
    return total


def _entry(folder: Path, *, with_size: bool = True) -> InstalledServer | None:
    """The install in `folder`, or None when it has no readable marker or its executable is gone."""
    marker = _read_marker(folder)
    if marker is None:
        return None
    name, version = str(marker.get("name", "")), str(marker.get("version", ""))
    package = KNOWN_SERVERS.get(name)
    if package is None or not version:
        return None
    executable = _bin_dir(folder) / package.executable
    if not _is_executable(executable):
        return None
    installed_at = marker.get("installed_at")
    return InstalledServer(name, version, folder, executable,
                           float(installed_at) if isinstance(installed_at, int | float) else 0.0,
                           _folder_size(folder) if with_size else 0)


def _is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def installed() -> list[InstalledServer]:
    """Every whole managed install, by name then version (sizes measured on disk)."""
    root = servers_root()
    if not root.is_dir():
        return []
    found = [_entry(folder) for folder in sorted(root.iterdir()) if folder.is_dir() and not folder.name.startswith(".")]
    return sorted((entry for entry in found if entry is not None), key=lambda e: (e.name, _version_key(e.version)))


def _version_key(version: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"[.+-]", version))


def find(name: str, version: str | None = None) -> Path | None:
    """The executable of `name` at `version` (default: its pinned version), or None when it is not installed.

    For mcp-atlassian, $JIRA_BENCH_MCP_ATLASSIAN (an executable file) is used first, unless the environment it
    sits in says it is another version. UserError for a server name jira-bench does not know."""
    package = package_for(name)
    wanted = version or package.default_version
    if package.name == MCP_ATLASSIAN:
        override = os.environ.get(MCP_ATLASSIAN_ENV, "").strip()
        if override and _is_executable(Path(override)):
            found = _venv_version(Path(override), package.project)
            if found is None or found == wanted:
                return Path(override)
    entry = _entry(install_dir(package.name, wanted), with_size=False)
    return entry.executable if entry is not None else None


def _venv_version(executable: Path, project: str) -> str | None:
    """The version of `project` installed in the venv an executable sits in (read from its dist-info), if any."""
    venv = executable.resolve().parent.parent if executable.is_symlink() else executable.parent.parent
    prefix = project.replace("-", "_").lower() + "-"
    for site in venv.glob("lib/python*/site-packages"):
        for info in site.glob("*.dist-info"):
            if info.name.lower().startswith(prefix):
                return info.name[len(prefix):-len(".dist-info")]
    return None


# ---- installing ---------------------------------------------------------------------------------------------------


def install(name: str, version: str | None = None, progress: Progress | None = None) -> InstalledServer:
    """Install `name` `version` (default: its pinned version) into its own venv with that venv's pip, or return the
    install already there. `progress(line)` sees short progress lines. UserError (one sentence, pip's output
    summarised) when the package index cannot be reached, the version does not exist, or pip fails otherwise."""
    package = package_for(name)
    wanted = version or package.default_version
    say = progress or (lambda _line: None)
    final = install_dir(package.name, wanted)
    existing = _entry(final)
    if existing is not None:
        say(f"{package.name} {wanted} is already installed in {final}")
        return existing
    final.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(final)
    building = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
    try:
        _build(package, wanted, building, final, say)
        return _move_into_place(building, final, say)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _remove_leftovers(final: Path) -> None:
    """Temp folders of installs of this server that were interrupted more than an hour ago, and a folder with the
    final name that is not a whole install."""
    for leftover in final.parent.glob(f".{final.name}.*.tmp"):
        try:
            if time.time() - leftover.stat().st_mtime > 3600:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass
    if final.exists() and _entry(final, with_size=False) is None:
        shutil.rmtree(final, ignore_errors=True)


def _build(package: ServerPackage, version: str, venv: Path, final: Path, say: Progress) -> None:
    """A venv at `venv` with `package==version` installed and its scripts pointing at `final`, and the marker."""
    say(f"creating an environment for {package.name} {version} in {final}")
    _run([sys.executable, "-m", "venv", str(venv)], "create the environment", timeout_s=300)
    say(f"installing {package.project}=={version} with pip (this can take a minute)")
    output = _run([str(_python(venv)), "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                   "--progress-bar", "off", f"{package.project}=={version}"], "pip install",
                  timeout_s=INSTALL_TIMEOUT_S, on_line=lambda line: _pip_progress(line, say), check=False)
    if output[0] != 0:
        raise UserError(summarise_pip_failure(package.project, version, output[1]), field="server")
    found = _venv_version(_bin_dir(venv) / package.executable, package.project)
    if found != version or not _is_executable(_bin_dir(venv) / package.executable):
        raise UserError(f"pip installed {package.project} {found or '(nothing)'} without its "
                        f"{package.executable!r} command, not version {version}", field="server")
    _relocate_scripts(_bin_dir(venv), venv, final)
    _write_json_atomic(venv / MARKER, {"name": package.name, "version": version, "installed_at": time.time(),
                                       "executable": str(_bin_dir(final) / package.executable)})


def _pip_progress(line: str, say: Progress) -> None:
    """pip's output as short progress lines: each package collected, how many are installed."""
    text = line.strip()
    if text.startswith("Collecting "):
        say("  collecting " + text[len("Collecting "):].split(" (from ")[0])
    elif text.startswith("Installing collected packages:"):
        count = len(text.split(":", 1)[1].split(","))
        say(f"  installing {count} package{'s' if count != 1 else ''}")


def _relocate_scripts(bin_dir: Path, built: Path, final: Path) -> None:
    """Console scripts name their interpreter by absolute path: make them name the folder they will live in."""
    old, new = str(built).encode(), str(final).encode()
    for script in bin_dir.iterdir():
        if script.is_symlink() or not script.is_file():
            continue
        data = script.read_bytes()
        if old in data[:4096] and b"\0" not in data[:4096]:
            script.write_bytes(data.replace(old, new))


def _move_into_place(building: Path, final: Path, say: Progress) -> InstalledServer:
    """Rename the built venv to its final name; another install that finished first wins (its install is kept)."""
    try:
        os.rename(building, final)
    except OSError:
        if _entry(final, with_size=False) is None:
            raise UserError(f"cannot move the new environment into place at {final}", field="server") from None
        say(f"another install of {final.name} finished first; keeping it")
    entry = _entry(final)
    if entry is None:
        raise UserError(f"the environment at {final} is not usable after installing", field="server")
    say(f"installed {entry.name} {entry.version}: {entry.executable}")
    return entry


def _run(argv: list[str], what: str, *, timeout_s: float, on_line: Progress | None = None,
         check: bool = True) -> tuple[int, str]:
    """Run `argv` (never through a shell), streaming its merged output lines to `on_line` from a reader thread:
    (exit code, output). UserError when it cannot start, times out, or (with `check`) exits non-zero."""
    lines: list[str] = []
    try:
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                text=True, errors="replace")
    except OSError as exc:
        raise UserError(f"cannot {what}: {exc.strerror or exc}", field="server") from None
    reader = threading.Thread(target=_read_lines, args=(proc, lines, on_line), daemon=True)
    reader.start()
    try:
        code = proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise UserError(f"{what} did not finish within {timeout_s:g} s", field="server") from None
    finally:
        reader.join(timeout=10)
    output = "".join(lines)
    if check and code != 0:
        last = next((line.strip() for line in reversed(lines) if line.strip()), f"exit code {code}")
        raise UserError(f"could not {what}: {last}", field="server")
    return code, output


def _read_lines(proc: subprocess.Popen[str], lines: list[str], on_line: Progress | None) -> None:
    assert proc.stdout is not None
    with proc.stdout:
        for line in proc.stdout:
            lines.append(line)
            if on_line is not None:
                on_line(line)


_OFFLINE = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
            "Name or service not known", "Connection refused", "Network is unreachable", "ConnectTimeoutError",
            "Read timed out", "ProxyError", "No route to host")


def summarise_pip_failure(project: str, version: str, output: str) -> str:
    """One sentence for a failed `pip install PROJECT==VERSION`, from pip's output: offline, no such version, or
    pip's own last error line."""
    no_match = "No matching distribution found" in output or "Could not find a version that satisfies" in output
    if any(marker in output for marker in _OFFLINE):
        return (f"cannot install {project} {version}: the package index cannot be reached (offline?); "
                "connect to the network and try again")
    if no_match:
        versions = re.search(r"\(from versions: ([^)]*)\)", output)
        listed = versions.group(1).strip() if versions else ""
        seen = listed.split(", ")[-5:] if listed and listed != "none" else []
        if not seen:
            return (f"{project} {version} was not found: the package index lists no version of {project} "
                    "(offline, or an index without it?)")
        return f"{project} {version} does not exist on the package index (latest versions there: {', '.join(seen)})"
    errors = [line.strip() for line in output.splitlines() if line.strip().startswith("ERROR:")]
    reason = (errors[-1][len("ERROR:"):].strip() if errors else "pip failed")[:300]
    return f"cannot install {project} {version}: {reason}"


def _write_json_atomic(path: Path, data: dict[str, object]) -> None:
    """Write JSON so that readers see the whole file or none (temp file, fsync, rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=1)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
