"""Build step pyproject.toml cannot declare: compile the message catalogues.

Every ``locale/LANG/LC_MESSAGES/DOMAIN.po`` in a package folder becomes a
``.mo`` next to it in the wheel (regular install) or in the source folder
(editable install, where the package runs from the checkout). ``.mo`` files are
build output: git ignores them. docs/translating.md tells the whole cycle.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


def compile_catalogue(po: Path, mo: Path) -> None:
    """``pybabel compile`` for one file; a fuzzy entry stays out, as there."""
    with po.open("rb") as f:
        catalog = read_po(f, abort_invalid=True)
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)


class build_py_with_catalogues(build_py):
    def run(self) -> None:
        super().run()
        for package in self.packages or ():
            source = Path(self.get_package_dir(package))
            for po in sorted(source.glob("locale/*/LC_MESSAGES/*.po")):
                rel = po.relative_to(source).with_suffix(".mo")
                if self.editable_mode:
                    target = source / rel
                else:
                    target = Path(self.build_lib, *package.split("."), rel)
                compile_catalogue(po, target)


setup(cmdclass={"build_py": build_py_with_catalogues})
