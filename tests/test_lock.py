"""The three-platform lock, how `make install` finds torch's CPU build, and `make lab`.

scripts/lock.py (``make lock``, ``make lock-check``), scripts/install_options.py (``make
install``) and scripts/lab.py (``make lab``), checked offline: the network parts (uv, pip
download) are what ``make lock-check`` exercises, not CI.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCK_TEXT = (REPO / "requirements.lock").read_text()


def load_script(name: str):
    """Import scripts/<name>.py (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(f"script_{name}", REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


lock = load_script("lock")
install_options = load_script("install_options")
lab = load_script("lab")


def dry_run(*targets: str) -> list[str]:
    """The commands ``make`` would run for ``targets`` (``-o``: as if installed)."""
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "-o", ".venv/.installed", *targets],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.replace("\\\n", " ").splitlines()


# The lock's markers -------------------------------------------------------------------------


@pytest.mark.parametrize("target", lock.TARGETS, ids=lambda t: f"{t.name} {t.python}")
def test_each_target_gets_one_cpu_torch_and_one_line_per_package(target):
    for full_version, chosen in lock.selected(lock.entries(LOCK_TEXT), target).items():
        names = [entry.requirement.name for entry in chosen]
        assert len(names) == len(set(names)), (full_version, names)
        (torch,) = [entry.pin() for entry in chosen if entry.requirement.name == "torch"]
        linux = target.markers["sys_platform"] == "linux"
        assert torch == ("torch==2.13.0+cpu" if linux else "torch==2.13.0"), torch
        assert not [name for name in names if name.startswith("nvidia")]  # no CUDA anywhere
        assert ("pywinpty" in names) == (target.markers["os_name"] == "nt")
        assert {"anywidget", "ipywidgets", "jupyterlab", "ipykernel"} <= set(names)


def test_every_line_is_hashed_and_the_covered_pythons_are_declared():
    entries = lock.entries(LOCK_TEXT)
    assert len(entries) > 150 and all(entry.hashes for entry in entries)
    covered = lock.covered(LOCK_TEXT)
    assert set(covered) == {"linux", "darwin", "win32"}
    assert all("3.11" in versions for versions in covered.values())
    assert install_options.lock_pythons(LOCK_TEXT, "darwin") == covered["darwin"]


def test_entries_join_continued_lines_and_keep_markers():
    text = (
        "# header\n"
        "a==1.0 ; sys_platform == 'win32' \\\n    --hash=sha256:" + "0" * 64 + " \\\n"
        "    --hash=sha256:" + "1" * 64 + "\n    # via b\n"
        "b==2.0+cpu \\\n    --hash=sha256:" + "2" * 64 + "\n"
    )
    a, b = lock.entries(text)
    assert a.pin() == "a==1.0" and a.hashes == ["0" * 64, "1" * 64]
    assert not a.applies(lock.TARGETS[0].environment("3.11.0"))  # Linux
    assert b.pin() == "b==2.0+cpu" and b.applies(lock.TARGETS[0].environment("3.11.0"))


def test_pip_is_asked_for_wheels_of_the_target_platform_and_patch_release():
    target = next(t for t in lock.TARGETS if t.name == "macOS arm64" and t.python == "3.12")
    options = lock.pip_target(target, "3.12.0")
    assert options[options.index("--python-version") + 1] == "3.12.0"
    assert options[options.index("--abi") + 1] == "cp312"
    assert "macosx_14_0_arm64" in options and "--only-binary=:all:" in options
    linux = lock.pip_target(lock.TARGETS[0])
    assert "manylinux_2_28_x86_64" in linux and "manylinux2014_x86_64" in linux


def test_the_lock_requirement_for_linux_is_the_cpu_build():
    assert lock.linux_cpu_torch() == "torch==2.13.0+cpu"


# make install: the PyTorch CPU index only where needed ---------------------------------------


def test_no_index_is_added_where_pip_already_finds_the_cpu_build(monkeypatch):
    monkeypatch.setattr(install_options.sys, "platform", "linux")
    monkeypatch.setattr(install_options, "pip_finds", lambda requirement: True)
    monkeypatch.setattr(install_options, "reachable", lambda url: pytest.fail("index probed"))
    assert install_options.options(LOCK_TEXT) == []


def test_the_index_is_added_once_probed_and_an_unreachable_one_fails_fast(monkeypatch):
    monkeypatch.setattr(install_options.sys, "platform", "linux")
    monkeypatch.setattr(install_options, "pip_finds", lambda requirement: False)
    probed = []
    monkeypatch.setattr(install_options, "reachable", lambda url: probed.append(url) or True)
    index = "https://download.pytorch.org/whl/cpu"
    assert install_options.options(LOCK_TEXT) == ["--extra-index-url", index]
    assert probed == [f"{index}/torch/"]
    monkeypatch.setattr(install_options, "reachable", lambda url: False)
    unreachable = r"torch==2\.13\.0\+cpu .* could not be reached \(waiting at most 10 s\)"
    with pytest.raises(SystemExit, match=unreachable):
        install_options.options(LOCK_TEXT)


@pytest.mark.parametrize("system", ["darwin", "win32"])
def test_macos_and_windows_take_pypis_torch_with_no_index(monkeypatch, system):
    monkeypatch.setattr(install_options.sys, "platform", system)
    monkeypatch.setattr(install_options, "pip_finds", lambda requirement: pytest.fail("asked"))
    assert install_options.options(LOCK_TEXT) == []


def test_a_python_the_lock_does_not_cover_is_refused_with_the_fix(monkeypatch):
    monkeypatch.setattr(install_options.sys, "platform", "linux")
    monkeypatch.setattr(install_options.sys, "version_info", (3, 10, 4))
    with pytest.raises(SystemExit, match=r"covers CPython 3\.11 on linux, and this is 3\.10"):
        install_options.check_python(LOCK_TEXT)
    monkeypatch.setattr(install_options.sys, "version_info", (3, 11, 9))
    install_options.check_python(LOCK_TEXT)  # no exit


def test_make_install_passes_the_options_to_the_hashed_install():
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", "-B", "install"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    commands = result.stdout.replace("\\\n", " ").splitlines()
    (line,) = [line for line in commands if "install_options.py" in line]
    assert "$options --require-hashes -r requirements.lock" in line


# make lab, make lock-check ------------------------------------------------------------------


def test_make_lab_and_the_browser_test_start_jupyterlab_the_same_way():
    assert dry_run("lab")[-1].rstrip().endswith("scripts/lab.py")
    command = lab.command(REPO, "--no-browser")
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={REPO}" in command
    assert "--LabApp.default_url=/lab/tree/chapters" in command
    assert "--LabApp.news_url=" in command and command[-1] == "--no-browser"
    source = (REPO / "tests" / "browser" / "test_jupyterlab.py").read_text()
    assert "lab.command(" in source and "missing_widget_extensions()" in source


def test_make_lock_check_runs_the_check():
    assert dry_run("lock-check")[-1].endswith("scripts/lock.py check")
