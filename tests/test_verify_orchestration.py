"""The --verify orchestration with a fake synthesizer: fast, and able to fail anywhere."""

import tempfile

import pytest

import cdkfix.verify as verify
from cdkfix.config import RunConfig
from cdkfix.records import FixStatus
from cdkfix.verify import NOT_VERIFIED, ROLLED_BACK, VERIFIED, VerifyOptions, run_verified
from cdkfix.verify.synth import SynthResult, TIMEOUT
from verify_support import EnforceSsl, FaultyKeyword, make_app, use_synthesize

APP = """\
import aws_cdk as cdk
from aws_cdk import aws_s3 as s3

app = cdk.App()
stack = cdk.Stack(app, "TinyStack")
s3.Bucket(stack, "Logs")
s3.Bucket(stack, "Data")
s3.Bucket(stack, "More")
app.synth()
"""


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """synthesize() that fails when the copied app.py contains a marker; records what it saw."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    seen = []

    def synthesize(app, folder, **kwargs):
        source = (folder / "app.py").read_text()
        seen.append(source)
        if fake.error:
            raise fake.error
        if fake.breaks and fake.breaks in source:
            return SynthResult(ok=False, seconds=0.1, error="TypeError: nope", problem=fake.problem)
        return SynthResult(ok=True, seconds=0.1)

    fake.seen, fake.breaks, fake.error, fake.problem = seen, "no_such_option", None, ""
    use_synthesize(monkeypatch, synthesize)
    monkeypatch.setattr(verify, "node_major_version", lambda: "20")
    make_app(tmp_path / "tiny", APP)
    return fake


def test_rollback_writes_the_last_good_state(fake, tmp_path):
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl, FaultyKeyword)), write=True, options=VerifyOptions())
    app = outcome.verification.apps[0]
    assert app.status == ROLLED_BACK and [item.code for item in app.rolled_back] == ["TEST-FAULT"]
    written = (tmp_path / "tiny" / "app.py").read_text()
    assert written.count("enforce_ssl=True") == 3 and "no_such_option" not in written
    assert written in fake.seen  # exactly what was synthesized
    assert "no_such_option" not in fake.seen[0]  # before: the original
    assert outcome.written == ["tiny/app.py"]
    assert [fix.status for fix in outcome.fixes].count(FixStatus.APPLIED) == 3


def test_everything_verified_is_written(fake, tmp_path):
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), write=True, options=VerifyOptions())
    assert outcome.verification.apps[0].status == VERIFIED and len(fake.seen) == 2
    assert (tmp_path / "tiny" / "app.py").read_text().count("enforce_ssl=True") == 3


def test_dry_run_writes_nothing_but_shows_the_surviving_fixes(fake, tmp_path):
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl, FaultyKeyword)), write=False, options=VerifyOptions())
    assert (tmp_path / "tiny" / "app.py").read_text() == APP
    new = outcome.changed[0].new_source.decode()
    assert new.count("enforce_ssl=True") == 3 and "no_such_option" not in new


def test_an_environment_problem_before_holds_everything_back(fake, tmp_path):
    fake.breaks, fake.problem = "aws_cdk", TIMEOUT
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), write=True, options=VerifyOptions())
    app = outcome.verification.apps[0]
    assert app.status == NOT_VERIFIED and len(fake.seen) == 1 and len(app.held_back) == 3
    assert (tmp_path / "tiny" / "app.py").read_text() == APP


@pytest.mark.parametrize("error", [RuntimeError("bug"), KeyboardInterrupt()])
def test_files_are_untouched_whatever_fails(fake, tmp_path, error):
    fake.error = error
    with pytest.raises(type(error)):
        run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), write=True, options=VerifyOptions())
    assert (tmp_path / "tiny" / "app.py").read_text() == APP
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary copy is gone


def test_a_file_edited_during_verification_is_not_overwritten(fake, tmp_path, monkeypatch):
    original = verify.synthesize

    def edit_then_synthesize(app, folder, **kwargs):
        # While the fixed state synthesizes (after the check read the file; the before state's
        # synthesis may start while the check runs, before it reads the file).
        if "enforce_ssl" in (folder / "app.py").read_text():
            (tmp_path / "tiny" / "app.py").write_text(APP + "# edited meanwhile\n")
        return original(app, folder, **kwargs)

    use_synthesize(monkeypatch, edit_then_synthesize)
    outcome = run_verified(["tiny"], RunConfig(rules=(EnforceSsl,)), write=True, options=VerifyOptions())
    assert (tmp_path / "tiny" / "app.py").read_text().endswith("# edited meanwhile\n")
    assert any("changed on disk" in error.message for error in outcome.all_errors)
