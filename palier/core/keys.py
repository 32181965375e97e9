"""CURVE key pairs and pairing between consoles and engines.

A keys directory (default: the per-user config dir, e.g.
``~/.config/palier/keys``) holds::

    this.key          this machine's public key (share it freely)
    this.key_secret   this machine's secret key (mode 0600, never leaves the machine)
    consoles/*.key    consoles paired with this engine (the engine's allow-list)
    engines/*.key     engines this console trusts (the console checks the
                      engine's key, so a stranger cannot pose as the headset)

Files use ZeroMQ's certificate format (``zmq.auth.load_certificate`` reads
them). Pairing is done once, in person: each side runs ``palier keys show``,
reads the fingerprint aloud, copies its ``this.key`` file to the other
machine (USB stick), and the other side runs ``palier keys allow FILE``
(``--engine`` on the console for the engine's key). Pairing without files
(``palier.core.pairing``, a one-time code shown by the engine) stores the
same files through :func:`trust_public_key`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from palier.core.i18n import N_, localized_error

OWN_PUBLIC = "this.key"
OWN_SECRET = "this.key_secret"
CONSOLES = "consoles"
ENGINES = "engines"

_Z85_KEY = re.compile(rb"^[0-9a-zA-Z.\-:+=^!/*?&<>()\[\]{}@%$#]{40}$")


class KeysError(ValueError):
    """A key file is missing, malformed or unsafe (message says how to fix)."""


@dataclass(frozen=True, slots=True)
class KeyPair:
    public: bytes
    secret: bytes


def default_keys_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path("palier", appauthor=False) / "keys"


def fingerprint(public: bytes) -> str:
    """Short code to read aloud when pairing: 16 hex digits in 4 groups."""
    digest = hashlib.sha256(public).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def _key_file_text(public: bytes, secret: bytes | None, name: str) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    kind = "secret" if secret else "public"
    lines = [
        f"#   ****  Palier CURVE {kind} key, generated {now}  ****",
        "#   ZeroMQ CURVE certificate",
        "#   "
        + (
            "KEEP THIS FILE SECRET: it proves this machine's identity."
            if secret
            else "Share this file with the machine you pair with."
        ),
        "",
        "metadata",
        f'    name = "{name}"',
        "curve",
        f'    public-key = "{public.decode("ascii")}"',
    ]
    if secret:
        lines.append(f'    secret-key = "{secret.decode("ascii")}"')
    return "\n".join(lines) + "\n"


def _write_private(path: Path, text: str) -> None:
    # Created 0600 from the start: no moment where the secret is world-readable.
    # A leftover temporary file (an interrupted run) may have another mode or
    # be a link: remove it and create a fresh one exclusively.
    tmp = path.with_name(path.name + ".tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.fchmod(fd, 0o600)  # whatever the umask
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(text)
    os.replace(tmp, path)


def read_key_file(path: Path) -> tuple[bytes, bytes | None]:
    """(public, secret or None) from a certificate file, checked."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise localized_error(KeysError, N_("{path}: no such key file"), path=path) from None
    except OSError as exc:
        raise localized_error(
            KeysError, N_("{path}: cannot read ({reason})"), path=path, reason=exc.strerror
        ) from None
    public = secret = None
    for line in raw.splitlines():
        line = line.strip()
        if line.startswith(b"public-key"):
            public = line.split(b"=", 1)[1].strip(b" \t'\"")
        elif line.startswith(b"secret-key"):
            secret = line.split(b"=", 1)[1].strip(b" \t'\"")
    if public is None or not _Z85_KEY.match(public):
        raise localized_error(
            KeysError, N_("{path}: not a CURVE key file (no valid public-key line)"), path=path
        )
    if secret is not None and not _Z85_KEY.match(secret):
        raise localized_error(KeysError, N_("{path}: malformed secret-key line"), path=path)
    return public, secret


def init_keys(keys_dir: Path, name: str | None = None, force: bool = False) -> KeyPair:
    """Create this machine's key pair. Refuses to overwrite one unless
    ``force`` (overwriting breaks every existing pairing)."""
    import socket

    import zmq

    keys_dir = Path(keys_dir)
    pub, sec = keys_dir / OWN_PUBLIC, keys_dir / OWN_SECRET
    if (pub.exists() or sec.exists()) and not force:
        raise KeysError(
            f"{keys_dir} already has a key pair (fingerprint "
            f"{fingerprint(read_key_file(pub)[0]) if pub.exists() else '?'}); "
            "use --force to replace it (every paired machine must then pair again)"
        )
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(keys_dir, 0o700)
    (keys_dir / CONSOLES).mkdir(exist_ok=True, mode=0o700)
    (keys_dir / ENGINES).mkdir(exist_ok=True, mode=0o700)
    public, secret = zmq.curve_keypair()
    label = name or socket.gethostname()
    _write_private(sec, _key_file_text(public, secret, label))
    tmp = pub.with_name(pub.name + ".tmp")
    tmp.write_text(_key_file_text(public, None, label), encoding="ascii")
    os.replace(tmp, pub)
    return KeyPair(public, secret)


def load_own(keys_dir: Path) -> KeyPair:
    """This machine's key pair; refuses a secret readable by others."""
    keys_dir = Path(keys_dir)
    sec = keys_dir / OWN_SECRET
    if not sec.exists():
        raise KeysError(
            f"no key pair in {keys_dir}; create one with `palier keys init --keys {keys_dir}`"
        )
    mode = stat.S_IMODE(sec.stat().st_mode)
    if mode & 0o077:
        raise KeysError(
            f"{sec} is readable by other users (mode {mode:o}); fix with `chmod 600 {sec}`"
        )
    public, secret = read_key_file(sec)
    if secret is None:
        raise KeysError(f"{sec} has no secret-key line; recreate with `palier keys init --force`")
    return KeyPair(public, secret)


def allow(keys_dir: Path, key_file: Path, engine: bool = False, name: str | None = None) -> Path:
    """Pair: copy another machine's public key into ``consoles/`` (on an
    engine) or ``engines/`` (on a console). Returns the installed path."""
    keys_dir = Path(keys_dir)
    public, secret = read_key_file(Path(key_file))
    if secret is not None:
        raise KeysError(
            f"{key_file} contains a secret key; pair with the public file ({OWN_PUBLIC}) only"
        )
    dest, known = _trusted_path(keys_dir, public, engine, name)
    if not known:
        shutil.copyfile(key_file, dest)
    return dest


def _trusted_path(
    keys_dir: Path, public: bytes, engine: bool, name: str | None
) -> tuple[Path, bool]:
    """Where ``public`` is (True) or goes (False) in ``consoles/`` or ``engines/``."""
    folder = Path(keys_dir) / (ENGINES if engine else CONSOLES)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    for existing in folder.glob("*.key"):
        try:
            if read_key_file(existing)[0] == public:
                return existing, True  # already paired
        except KeysError:
            continue
    stem = name or fingerprint(public).replace("-", "").lower()
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", stem):
        raise KeysError(f"name {stem!r}: use letters, digits, '.', '_' or '-'")
    return folder / f"{stem}.key", False


def trust_public_key(
    keys_dir: Path, public: bytes, *, engine: bool = False, name: str | None = None
) -> Path:
    """Pair with a public key received rather than copied (pairing without
    files, ``palier.core.pairing``): stored exactly as :func:`allow` stores a
    copied ``this.key``, in ``engines/`` (``engine``) or ``consoles/``."""
    if not _Z85_KEY.match(public):
        raise KeysError("not a CURVE public key (40 Z85 characters)")
    dest, known = _trusted_path(Path(keys_dir), public, engine, name)
    if not known:
        label = f"paired {fingerprint(public)}"
        tmp = dest.with_name(dest.name + ".tmp")
        tmp.write_text(_key_file_text(public, None, label), encoding="ascii")
        os.replace(tmp, dest)
    return dest


def revoke(keys_dir: Path, which: str, *, engine: bool = False) -> list[Path]:
    """Unpair: delete the key whose fingerprint (or file name) is ``which``
    from ``consoles/`` (this engine stops allowing that console) or, with
    ``engine``, from ``engines/`` (this console stops trusting that engine).
    Returns the files removed. A running engine reloads ``consoles/`` when
    it changes (``engine.link``), so the console's next handshake fails."""
    folder = Path(keys_dir) / (ENGINES if engine else CONSOLES)
    wanted = re.sub(r"[\s-]", "", which).upper()
    removed, paired = [], []
    for path in sorted(folder.glob("*.key")) if folder.is_dir() else []:
        try:
            code = fingerprint(read_key_file(path)[0])
        except KeysError:
            continue  # not a key: neither removed nor listed
        if code.replace("-", "") == wanted or path.stem == which:
            path.unlink()
            removed.append(path)
        else:
            paired.append(code)
    if not removed:
        raise localized_error(
            KeysError,
            N_(
                "no key with fingerprint {which} in {folder} (paired there: {paired}); "
                "`palier keys show` lists them"
            ),
            which=which,
            folder=folder,
            paired=", ".join(paired) or "-",
        )
    return removed


def pair_on_one_machine(
    engine_dir: Path, console_dir: Path, names: tuple[str | None, str | None] = (None, None)
) -> None:
    """Make both key folders (where they have no key yet; ``names`` label
    the new keys) and pair them, as ``palier keys init`` then ``palier keys
    allow`` on each side would: for a demo, a benchmark or a test that runs
    the engine and the console on one machine."""
    for d, name in zip((engine_dir, console_dir), names, strict=True):
        if not (Path(d) / OWN_SECRET).exists():
            init_keys(Path(d), name=name)
    allow(engine_dir, Path(console_dir) / OWN_PUBLIC)
    allow(console_dir, Path(engine_dir) / OWN_PUBLIC, engine=True)


def allowed_keys(folder: Path) -> list[bytes]:
    keys = []
    for path in sorted(Path(folder).glob("*.key")):
        keys.append(read_key_file(path)[0])
    return keys


def engine_key(keys_dir: Path, key_file: Path | None = None) -> bytes:
    """The engine public key a console connects with: ``key_file`` if given,
    else the only key in ``engines/``."""
    if key_file is not None:
        return read_key_file(Path(key_file))[0]
    keys = allowed_keys(Path(keys_dir) / ENGINES)
    if len(keys) == 1:
        return keys[0]
    if not keys:
        raise localized_error(
            KeysError,
            N_(
                "no engine key trusted in {folder}; copy the engine's {file} here and run "
                "`palier keys allow --engine FILE`"
            ),
            folder=Path(keys_dir) / ENGINES,
            file=OWN_PUBLIC,
        )
    raise localized_error(
        KeysError,
        N_("{n} engine keys in {folder}; say which with --engine-key FILE"),
        n=len(keys),
        folder=Path(keys_dir) / ENGINES,
    )
