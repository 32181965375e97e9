"""The wheel installs one name: site-packages gains ``palier`` and nothing else.

The design card's folders (engine/, scenes/, ...) sit at the top of the
repository and install as ``palier.engine``, ``palier.scenes``, ... through
``[tool.setuptools] package-dir``; a package left out of ``packages`` there, or
a data file left out of ``package-data``, fails here. The message catalogues
are compiled by the build (setup.py): each ``.po`` ships as its ``.mo``.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _source_files() -> set[str]:
    """Every module and data file that must ship, as its path inside the wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    wanted: set[str] = set()
    for package, folder in config["package-dir"].items():
        base = ROOT / folder
        prefix = package.replace(".", "/")
        for path in base.rglob("*"):
            rel = path.relative_to(base)
            if path.is_symlink() or "__pycache__" in rel.parts or not path.is_file():
                continue
            # palier/ links to the card's folders; those count under their own name.
            if package == "palier" and rel.parts[0] in {
                "engine",
                "scenes",
                "protocols",
                "therapist_console",
            }:
                continue
            if path.suffix in {".py", ".toml", ".sql"} or (
                path.suffix == ".md" and "library" in rel.parts
            ):
                wanted.add(f"{prefix}/{rel.as_posix()}")
            elif path.suffix == ".po" and rel.parts[-2] == "LC_MESSAGES":
                wanted.add(f"{prefix}/{rel.with_suffix('.mo').as_posix()}")
    return wanted


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--wheel-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("palier-*.whl")
    return found


def test_wheel_holds_every_module_under_one_top_level_name(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"palier", next(t for t in tops if t.endswith(".dist-info"))}
    missing = _source_files() - set(names)
    assert not missing, f"left out of the wheel (pyproject packages/package-data): {missing}"
    # The session record's schema is its migration scripts: every one ships.
    scripts = {p.name for p in (ROOT / "therapist_console" / "migrations").glob("*.sql")}
    shipped = {
        n.rsplit("/", 1)[1]
        for n in names
        if n.startswith("palier/therapist_console/migrations/") and n.endswith(".sql")
    }
    assert scripts and shipped == scripts


def test_installed_into_a_fresh_venv_site_packages_gains_palier_alone(
    wheel: Path, tmp_path: Path
) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=False)
    python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    before = {p.name for p in site.iterdir()}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    added = {p.name for p in site.iterdir()} - before
    assert {a for a in added if not a.endswith(".dist-info")} == {"palier"}
    # The package runs from there, not from this checkout: the command line's
    # parser loads every subcommand's registration, and the record's schema
    # its scripts from the installed package data (pure Python, no dependency).
    out = subprocess.run(
        [
            str(python),
            "-I",
            "-c",
            "import palier, palier.cli; palier.cli.build_parser()\n"
            "from palier.therapist_console import migrations\n"
            "assert migrations.SCHEMA_VERSION == len(migrations.MIGRATIONS) > 1\n"
            "print(palier.__file__)\n"
            # The compiled catalogues load from there too (stdlib gettext).
            "from palier.core.i18n import LANGUAGES, _\n"
            "print(LANGUAGES, _('Summary', 'fr'))",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert out.startswith(str(site)), out
    assert sysconfig.get_path("purelib") not in out
    assert out.splitlines()[1] == "('en', 'fr') Synthèse", out
