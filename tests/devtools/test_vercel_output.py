"""Reading a build output: every function found, its files laid out as deployed."""

from __future__ import annotations

from pathlib import Path

from devtools.vercel_output import bundle_size, discover, lay_out
from tests.fake_vercel_output import fake_build


def test_every_function_is_found_folder_functions_by_their_url(tmp_path: Path) -> None:
    functions = discover(fake_build(tmp_path))
    assert [(f.name, f.entrypoint, f.folder) for f in functions] == [
        ("folder_fn", "api/folder_fn/index.py", True),
        ("tiny", "api/tiny.py", False),
    ]


def test_a_bundle_holds_exactly_its_file_path_map_and_its_own_files(tmp_path: Path) -> None:
    project = tmp_path / "project"
    folder_fn, _ = discover(fake_build(project))
    bundle = lay_out(folder_fn, project, tmp_path / "bundles")
    laid_out = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())
    assert laid_out == [
        ".vc-config.json",
        "_vendor/tiny_dep.py",
        "api/folder_fn/index.py",
        "lib/__pycache__/shared.cpython-312.pyc",
        "vc__handler__python.py",
    ]
    assert (bundle / "_vendor/tiny_dep.py").read_text() == "VALUE = 1\n"


def test_bundle_size_counts_files_and_bytecode(tmp_path: Path) -> None:
    tiny = discover(fake_build(tmp_path))[1]
    size = bundle_size(tiny, tmp_path)
    assert (size.files, size.pyc) == (3, 1)
    assert size.mb * 2**20 == len("app = 'api/tiny.py'\n") + len("VALUE = 1\n") + 19
