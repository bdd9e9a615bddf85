"""course.check_install: the one command a learner runs to see that the chapters will work."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import version

import torch

from course import check_install
from scratchnn import Linear


class DoubledWeightGradient(Linear):
    """The classic slip: a backward pass whose dW is twice the true one."""

    def backward(self, dout, *, need_dx=True):
        dx = super().backward(dout, need_dx=need_dx)
        self.dW = 2 * self.dW
        return dx


def test_versions_are_those_installed_and_pins_drop_the_build_tag(tmp_path):
    found = check_install.installed_versions()
    assert list(found) == list(check_install.PACKAGES)
    assert found["torch"] == version("torch") and found["numpy"] == version("numpy")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text(
        '# a comment\ntorch==2.13.0+cpu ; sys_platform == "linux"\n'
        'torch==2.13.0 ; sys_platform != "linux"\nScikit_Learn==1.9.1  # why\n'
    )
    assert check_install.pinned_versions(requirements) == {
        "torch": "2.13.0",
        "scikit-learn": "1.9.1",
    }
    assert check_install.pinned_versions(tmp_path / "absent.txt") == {}


def test_the_widget_extensions_are_found_only_where_installed(tmp_path):
    assert check_install.missing_widget_extensions(tmp_path) == list(
        check_install.WIDGET_EXTENSIONS
    )
    folder = tmp_path / "share" / "jupyter" / "labextensions" / "anywidget"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text("{}")
    assert check_install.missing_widget_extensions(tmp_path) == [
        "@jupyter-widgets/jupyterlab-manager"
    ]
    assert check_install.missing_widget_extensions() == []  # this environment has both


def test_the_gradient_check_passes_a_right_backward_and_fails_a_wrong_one():
    assert check_install.gradient_check() < 1e-8  # float64: ~1e-10 expected
    g = torch.Generator().manual_seed(1)
    wrong = DoubledWeightGradient(3, 2, generator=g, dtype=torch.float64)
    assert check_install.gradient_check(wrong) > 0.1  # relative error of 2·dW against dW: 1/3


def test_report_names_every_problem_and_the_exit_status_follows(monkeypatch, capsys):
    lines, problems = check_install.report()
    assert not problems, problems
    assert lines[0].split()[1] == platform.python_version()
    assert any(line.split()[:2] == ["torch", version("torch")] for line in lines)
    assert check_install.main() == 0
    assert capsys.readouterr().out.rstrip().endswith("Ready for the chapters.")

    monkeypatch.setattr(check_install, "missing_widget_extensions", lambda: ["anywidget"])
    g = torch.Generator().manual_seed(1)
    wrong = DoubledWeightGradient(3, 2, generator=g, dtype=torch.float64)
    lines, problems = check_install.report(wrong)
    assert len(problems) == 2
    assert "anywidget" in problems[0] and "gradient check failed" in problems[1]
    assert check_install.main() == 1
    assert "PROBLEM: JupyterLab lacks ['anywidget']" in capsys.readouterr().out


def test_it_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "course.check_install"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "gradients" in result.stdout and "(ok:" in result.stdout
