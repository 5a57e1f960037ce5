"""The project's requirements manifests, and the shared-venv trap a second one sets.

Vercel's Python builder (CLI 58.10.0) installs every function into ONE venv,
``.vercel/python/.venv``, with an exact ``uv sync`` from the manifest that function
sees (a folder function's own requirements.txt, else the root one), and its bundle
only references the venv's files. Functions in deeper folders build first. So a
folder function whose requirements.txt differs from the root one is built, then
the next function's sync removes the packages only it had: its deployed bundle
misses them (measured: the MCP function lost the ``mcp`` SDK, 599 files).
"""

from __future__ import annotations

from pathlib import Path

TRAP_FIX = (
    "Pin those packages in the root requirements.txt and delete the folder's own "
    "requirements.txt: every function is built in one shared venv that each build "
    "re-syncs exactly, and bundles only reference its files, so a folder function whose "
    "requirements differ from the root ones ships a bundle whose packages the next "
    "build removed (README, 'Why the MCP SDK is in the root manifest')."
)


def normalized(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def requirement_pins(manifest: Path) -> dict[str, str]:
    """``name -> version`` of a pinned requirements file (names as written)."""
    pins = {}
    for line in manifest.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name, _, version = line.partition("==")
            pins[name.strip()] = version.strip()
    return pins


def folder_manifests(root: Path) -> list[Path]:
    """``api/<name>/requirements.txt`` beside a folder function's ``index.py``."""
    return sorted(
        path
        for path in (root / "api").glob("*/requirements.txt")
        if (path.parent / "index.py").is_file()
    )


def shared_venv_traps(root: Path) -> list[str]:
    """Each folder manifest whose pins differ from the root manifest's, and how."""
    base = {normalized(k): v for k, v in requirement_pins(root / "requirements.txt").items()}
    problems = []
    for manifest in folder_manifests(root):
        own = {normalized(k): v for k, v in requirement_pins(manifest).items()}
        differs = sorted(
            f"{name}=={version}" if name not in base else f"{name} {version} vs {base[name]}"
            for name, version in own.items()
            if base.get(name) != version
        )
        lacks = sorted(set(base) - set(own))
        if differs or lacks:
            where = manifest.relative_to(root).as_posix()
            parts = [f"differs from the root: {', '.join(differs)}"] if differs else []
            parts += [f"lacks the root's {', '.join(lacks)}"] if lacks else []
            problems.append(f"{where} ({'; '.join(parts)})")
    return problems
