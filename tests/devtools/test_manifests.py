"""The shared-venv trap: a folder function's own requirements differing from the root's."""

from pathlib import Path

from devtools.manifests import shared_venv_traps

ROOT = Path(__file__).resolve().parents[2]


def project(tmp_path: Path, root: str, folder: str | None, entry: str = "index.py") -> Path:
    (tmp_path / "requirements.txt").write_text(root)
    function = tmp_path / "api" / "mcp_fn"
    function.mkdir(parents=True)
    (function / entry).write_text("app = None\n")
    if folder is not None:
        (function / "requirements.txt").write_text(folder)
    return tmp_path


def test_this_project_has_no_trap() -> None:
    assert shared_venv_traps(ROOT) == []


def test_a_folder_function_without_its_own_manifest_is_fine(tmp_path: Path) -> None:
    assert shared_venv_traps(project(tmp_path, "fastapi==1.0\n", None)) == []


def test_a_folder_manifest_equal_to_the_root_one_is_fine(tmp_path: Path) -> None:
    root = "fastapi==1.0\ntyping_extensions==4.0\n"
    same = "# comment\ntyping-extensions==4.0  # spelled otherwise\nfastapi==1.0\n"
    assert shared_venv_traps(project(tmp_path, root, same)) == []


def test_extra_missing_and_other_pins_are_each_named(tmp_path: Path) -> None:
    root = "fastapi==1.0\npydantic==2.0\n"
    folder = "mcp==2.3.0\npydantic==2.1\n"
    [problem] = shared_venv_traps(project(tmp_path, root, folder))
    assert problem.startswith("api/mcp_fn/requirements.txt")
    assert "mcp==2.3.0" in problem
    assert "pydantic 2.1 vs 2.0" in problem
    assert "lacks the root's fastapi" in problem


def test_a_requirements_file_beside_no_function_is_not_a_function_manifest(
    tmp_path: Path,
) -> None:
    assert shared_venv_traps(project(tmp_path, "fastapi==1.0\n", "mcp==2.3.0\n", "x.py")) == []
