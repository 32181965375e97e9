"""Palier's message catalogues: extract, update, compile, check (Babel).

    python tools/catalogues.py extract  # the code's messages -> each domain's .pot template
    python tools/catalogues.py update   # .pot -> every language's .po (new messages empty)
    python tools/catalogues.py init LANG  # a new language: one .po per domain, from the .pot
    python tools/catalogues.py compile  # .po -> .mo beside it (what `pip install -e .` does)
    python tools/catalogues.py check    # exit 1 when a template or a catalogue is out of date

Each step prints the ``pybabel`` command it runs, so it can be run by hand.
Domains: ``palier`` (the whole tree but the scene plugins, catalogue in
``palier/core/locale``) and one per scene plugin that has a ``locale`` folder
(``scenes/NAME/locale``, domain ``NAME``). docs/translating.md tells the whole
cycle.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
MAPPING = "babel.cfg"
KEYWORDS = ("lazy_ngettext:1,2", "lazy_pgettext:1c,2")
"""Besides Babel's defaults (``_``, ``N_``, ``ngettext``, ``pgettext``, ...):
the lazy markers of ``palier.core.i18n``."""
COMMENT_TAG = "TRANSLATORS:"


@dataclass(frozen=True)
class Domain:
    name: str
    source: str
    """Folder the messages are extracted from (relative to the repository root)."""
    locale: str
    """Its ``locale`` folder: ``LANG/LC_MESSAGES/NAME.po`` and the ``NAME.pot`` template."""

    @property
    def template(self) -> str:
        return f"{self.locale}/{self.name}.pot"

    def po_files(self) -> list[Path]:
        return sorted((ROOT / self.locale).glob(f"*/LC_MESSAGES/{self.name}.po"))


def domains() -> list[Domain]:
    found = [Domain("palier", ".", "palier/core/locale")]
    for locale in sorted((ROOT / "scenes").glob("*/locale")):
        plugin = locale.parent.relative_to(ROOT).as_posix()
        found.append(Domain(locale.parent.name, plugin, f"{plugin}/locale"))
    return found


def extract_args(domain: Domain, output: str) -> list[str]:
    return [
        "extract",
        f"--mapping-file={MAPPING}",
        *(f"--keyword={k}" for k in KEYWORDS),
        f"--add-comments={COMMENT_TAG}",
        # File names without line numbers: a change elsewhere in a file does not
        # touch the catalogues (fewer merge conflicts).
        "--add-location=file",
        "--sort-by-file",
        "--project=Palier",
        "--copyright-holder=The Palier team",
        f"--output-file={output}",
        domain.source,
    ]


def update_args(domain: Domain) -> list[str]:
    return [
        "update",
        f"--input-file={domain.template}",
        f"--output-dir={domain.locale}",
        f"--domain={domain.name}",
        "--ignore-obsolete",
        "--no-fuzzy-matching",
    ]


def init_args(domain: Domain, lang: str) -> list[str]:
    return [
        "init",
        f"--input-file={domain.template}",
        f"--output-dir={domain.locale}",
        f"--domain={domain.name}",
        f"--locale={lang}",
    ]


def compile_args(domain: Domain) -> list[str]:
    return ["compile", "--statistics", f"--directory={domain.locale}", f"--domain={domain.name}"]


def pybabel(args: Sequence[str]) -> None:
    print("pybabel " + " ".join(shlex.quote(a) for a in args))
    CommandLineInterface().run(["pybabel", *args])


# -- check ------------------------------------------------------------------------------------


def read_catalog(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def extracted(domain: Domain) -> Catalog:
    """The domain's messages as the code marks them today."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / f"{domain.name}.pot"
        args = extract_args(domain, str(out))
        # From anywhere: the mapping file and the source folder by their full path.
        args = [
            f"--mapping-file={ROOT / MAPPING}" if a.startswith("--mapping-file=") else a
            for a in args
        ]
        args[-1] = str(ROOT / domain.source)
        CommandLineInterface().run(["pybabel", "--quiet", *args])
        return read_catalog(out)


def message_keys(catalog: Catalog) -> set[tuple[str | tuple[str, ...], str | None]]:
    """(msgid, or singular and plural; context) of each message."""
    return {
        (tuple(m.id) if isinstance(m.id, list | tuple) else m.id, m.context)
        for m in catalog
        if m.id
    }


def problems(domain: Domain) -> Iterator[str]:
    """What is out of date in this domain (nothing: all is well)."""
    code = extracted(domain)
    template = ROOT / domain.template
    if not template.exists():
        yield f"{domain.template}: missing (run: python tools/catalogues.py extract)"
        return
    if _shape(code) != _shape(read_catalog(template)):
        yield f"{domain.template}: out of date with the code (run: tools/catalogues.py extract)"
    for po in domain.po_files():
        rel = po.relative_to(ROOT)
        catalog = read_catalog(po)
        missing = message_keys(code) - message_keys(catalog)
        extra = message_keys(catalog) - message_keys(code)
        if missing or extra:
            yield (
                f"{rel}: {len(missing)} message(s) of the code missing, {len(extra)} no longer "
                "used (run: python tools/catalogues.py update, then translate)"
            )


def _shape(catalog: Catalog) -> list[tuple[str, ...]]:
    """What a translator needs from a template: the messages and their notes
    (not the header's dates, nor where in the code a message moved to)."""
    return sorted(
        (str(key[0]), key[1] or "", *m.auto_comments)
        for m in catalog
        if m.id
        for key in [(tuple(m.id) if isinstance(m.id, list | tuple) else m.id, m.context)]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("extract", "update", "init", "compile", "check"))
    parser.add_argument("lang", nargs="?", help="init: the new language's code (e.g. de)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    if args.action == "init" and not args.lang:
        parser.error("init needs the language code, e.g. `init de`")
    failed = False
    for domain in domains():
        if args.action == "extract":
            pybabel(extract_args(domain, domain.template))
        elif args.action == "update":
            pybabel(update_args(domain))
        elif args.action == "init":
            pybabel(init_args(domain, args.lang))
        elif args.action == "compile":
            pybabel(compile_args(domain))
        else:
            for problem in problems(domain):
                print(problem, file=sys.stderr)
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
