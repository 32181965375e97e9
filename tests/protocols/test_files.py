"""Protocol files: the shipped library validates, broken files fail with a
message naming the place, the format reference matches the model, the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from palier import cli
from palier.protocols import files, model, reference
from palier.protocols.files import check_file, library, load_protocol
from palier.protocols.model import Issue, ProtocolError
from palier.protocols.validate import exposure_scene_ids
from palier.scenes import registry

HERE = Path(__file__).parent
BROKEN = sorted((HERE / "broken").glob("*.toml"))
REPO = HERE.parent.parent


# -- the library -------------------------------------------------------------------


@pytest.mark.parametrize("path", files.library_files(), ids=lambda p: p.name)
def test_library_file_validates_without_warnings(path: Path) -> None:
    proto, issues = check_file(path)
    assert proto is not None, "\n".join(map(str, issues))
    assert issues == [], "\n".join(map(str, issues))


def test_library_is_found_from_any_folder(tmp_path: Path) -> None:
    # The shipped files are found through the installed package, not the
    # current folder (``palier protocols list`` run from anywhere).
    code = "from palier.protocols.files import library; print(len(library()))"
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0, res.stderr
    assert int(res.stdout) == len(library()) > 0


def test_library_protocols_are_graded_hierarchies_in_both_languages() -> None:
    protos = library()
    assert protos, "the library is empty"
    for p in protos:
        assert 8 <= len(p.steps) <= 12, p.id
        suds = [s.expected_suds for s in p.steps]
        assert suds == sorted(suds), f"{p.id}: expected SUDS not graded: {suds}"
        assert suds[0] <= 30 and suds[-1] >= 80, f"{p.id}: hierarchy too narrow: {suds}"
        for s in p.steps:
            assert s.text.get("en") and s.text.get("fr") and s.text.get("en") != s.text.get("fr"), (
                s.id
            )
            decl = registry.declaration(s.scene)
            # Steps say what they present: every preset value validates.
            decl.validate_values(s.preset)
        for t in (p.title, p.description):
            assert t.get("en") != t.get("fr")


def test_every_exposure_scene_has_a_protocol_and_safe_place_has_none() -> None:
    covered = {scene for p in library() for scene in p.scenes}
    missing = [s for s in exposure_scene_ids() if s not in covered]
    assert not missing, f"exposure scenes without a protocol in the library: {missing}"
    assert registry.SAFE_PLACE_ID not in covered
    assert "spiders" in covered


def test_spiders_protocol_uses_the_declared_events_and_grades_the_dimensions() -> None:
    p = next(p for p in library() if "spiders" in p.scenes)
    decl = registry.declaration("spiders")
    events = {e.event for s in p.steps for e in s.events}
    assert events <= {e.name for e in decl.events}
    assert events == {"run_toward", "drop_from_above"}
    first, last = (
        p.steps[0].resolved_preset(decl.defaults()),
        p.steps[-1].resolved_preset(decl.defaults()),
    )
    for name in ("distance", "size", "count", "activity", "location"):
        spec = decl.param(name)
        assert spec.intensity(first[name]) < spec.intensity(last[name]), name


# -- broken files ------------------------------------------------------------------------


def _expectations(path: Path) -> tuple[str, str, int | None]:
    raw = path.read_bytes()
    head = raw.decode("utf-8", errors="replace").splitlines()
    expect = head[0].removeprefix("# expect: ").strip()
    fld = head[1].removeprefix("# field:").strip()
    line = None
    for n, text in enumerate(raw.split(b"\n"), start=1):
        if b"ERROR HERE" in text:
            line = n
    return expect, fld, line


def test_there_are_at_least_20_broken_fixtures() -> None:
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_file_fails_with_the_expected_message_and_place(path: Path) -> None:
    expect, fld, line = _expectations(path)
    assert line is not None, "fixture must mark its error line with '# ERROR HERE'"
    proto, issues = check_file(path)
    assert proto is None
    errors = [i for i in issues if i.severity == "error"]
    assert errors
    matching = [i for i in errors if expect in str(i)]
    assert matching, f"no error mentions {expect!r}:\n" + "\n".join(map(str, errors))
    issue = matching[0]
    assert issue.file == str(path)
    assert issue.line == line, str(issue)
    assert issue.field == fld, str(issue)
    assert issue.fix, "every error says how to fix it"
    text = str(issue)
    assert text.startswith(f"{path}:{line}: error: ")
    with pytest.raises(ProtocolError) as exc:
        load_protocol(path)
    assert issue in exc.value.issues


def test_all_errors_of_a_file_are_reported_not_just_the_first(tmp_path: Path) -> None:
    src = (HERE / "broken" / "value_out_of_range.toml").read_text("utf-8")
    src = src.replace("count = 1", "count = 99").replace(
        'activity = "slow_walk"', 'activity = "run"'
    )
    f = tmp_path / "two.toml"
    f.write_text(src, "utf-8")
    _, issues = check_file(f)
    fields = {i.field for i in issues}
    assert {
        'steps[2] "near".preset.distance',
        'steps[1] "far".preset.count',
        'steps[2] "near".preset.activity',
    } <= fields


def test_decreasing_expected_suds_is_a_warning_not_an_error(tmp_path: Path) -> None:
    src = (HERE / "broken" / "value_out_of_range.toml").read_text("utf-8")
    src = src.replace("distance = 0.05", "distance = 0.5").replace(
        "expected_suds = 50", "expected_suds = 10"
    )
    f = tmp_path / "order.toml"
    f.write_text(src, "utf-8")
    proto, issues = check_file(f)
    assert proto is not None
    assert [i.severity for i in issues] == ["warning"]
    assert "lower than the previous step" in issues[0].problem


def test_missing_file_is_an_issue_not_a_crash(tmp_path: Path) -> None:
    proto, issues = check_file(tmp_path / "nope.toml")
    assert proto is None and "cannot read" in issues[0].problem


def test_locate_keys_handles_multiline_values() -> None:
    src = 'a = """x\n[not]\ny"""\nb = [\n  1,\n]\n[[t]]\nk = 1\n[[t]]\nk = 2\n'
    lines = model.locate_keys(src)
    assert lines[("a",)] == 1 and lines[("b",)] == 4
    assert lines[("t", 0, "k")] == 8 and lines[("t", 1, "k")] == 10
    assert ("not",) not in lines


# -- generated reference ---------------------------------------------------------------------


def test_checked_in_format_doc_matches_the_model() -> None:
    doc = (REPO / "docs" / "protocol-format.md").read_text("utf-8")
    assert doc == reference.format_doc(), (
        "docs/protocol-format.md is stale: run `palier protocols doc --write`"
    )


def test_doc_and_schema_cover_every_model_field() -> None:
    doc = reference.format_doc()
    schema = reference.json_schema()
    for cls in (
        model.Protocol,
        model.Step,
        model.EventPlan,
        model.SudsScheduleRule,
        model.ProgressionSettings,
    ):
        props = schema["$defs"][cls.__name__]["properties"]
        for f in model._model_fields(cls):
            assert f"| `{f.name}` |" in doc
            assert f.name in props
    assert schema["$defs"]["Step"]["properties"]["expected_suds"]["maximum"] == 100
    assert "source" not in schema["$defs"]["Protocol"]["properties"]


# -- installed protocols and the command line ---------------------------------------------------


def _clinic_protocol(tmp_path: Path, pid: str = "clinic-spiders") -> Path:
    src = (REPO / "protocols" / "library" / "spiders.toml").read_text("utf-8")
    src = src.replace('id = "spiders-graded"', f'id = "{pid}"', 1)
    d = tmp_path / "clinic"
    d.mkdir(exist_ok=True)
    f = d / f"{pid}.toml"
    f.write_text(src, "utf-8")
    return f


def test_a_new_protocol_file_needs_no_code_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _clinic_protocol(tmp_path)
    broken = f.parent / "broken.toml"
    broken.write_text((HERE / "broken" / "unknown_scene.toml").read_text("utf-8"), "utf-8")
    monkeypatch.setenv(files.PROTOCOLS_ENV, str(f.parent))
    inst = files.installed()
    ids = [p.id for p in inst.protocols]
    assert "clinic-spiders" in ids and "spiders-graded" in ids
    assert "broken-example" not in ids  # a broken file never reaches a session
    assert any(i.file == str(broken) for i in inst.broken)
    assert files.protocol_by_id("clinic-spiders").source == str(f)


def test_duplicate_ids_across_folders_keep_the_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = _clinic_protocol(tmp_path, "spiders-graded")
    monkeypatch.setenv(files.PROTOCOLS_ENV, str(f.parent))
    inst = files.installed()
    assert [p.id for p in inst.protocols].count("spiders-graded") == 1
    assert any("already used" in i.problem and i.line == 4 for i in inst.broken)


def test_cli_check_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    good = files.library_files()
    assert cli.main(["protocols", "check", *map(str, good)]) == 0
    assert "ok (spiders-graded, 10 steps)" in capsys.readouterr().out
    bad = HERE / "broken" / "value_out_of_range.toml"
    assert cli.main(["protocols", "check", str(good[0]), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:35: error: " in err and "1 of 2 file(s) have errors" in err


def test_cli_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["protocols", "list", "--lang", "fr", "--steps"]) == 0
    out = capsys.readouterr().out
    assert "spiders-graded: Araignées\u00a0: exposition graduée" in out
    assert "Une petite araignée immobile au sol, à un peu plus d'un mètre." in out
    assert cli.main(["protocols", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert any(p["id"] == "spiders-graded" for p in data["protocols"])


def test_cli_doc_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["protocols", "doc", "--schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Palier protocol"


def test_issue_text_format() -> None:
    i = Issue("f.toml", 3, 'steps[1] "a".scene', "unknown scene 'x'", "one of y", "use y")
    assert (
        str(i) == "f.toml:3: error: steps[1] \"a\".scene: unknown scene 'x'; expected one "
        "of y; fix: use y"
    )
    assert re.match(r"f\.toml:3: error", str(ProtocolError([i])))
