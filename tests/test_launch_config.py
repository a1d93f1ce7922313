"""The repository URL behind the Colab, Binder and repository buttons (docs/_ext/kmdl_launch.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("myst_nb", reason="the docs extras (myst-nb) are not installed")

EXT_DIR = Path(__file__).resolve().parents[1] / "docs" / "_ext"
sys.path.insert(0, str(EXT_DIR))

from kmdl_launch import github_parts, repository_web_url  # noqa: E402


@pytest.mark.parametrize(
    "clone_url",
    [
        "git@github.com:owner/kmdl.git",
        "ssh://git@github.com/owner/kmdl.git",
        "https://github.com/owner/kmdl.git",
        "https://github.com/owner/kmdl/",
        "https://github.com/owner/kmdl",
        "https://GitHub.com/owner/kmdl",
        "https://www.github.com/owner/kmdl",
        "ssh://git@github.com:22/owner/kmdl.git",
        "https://user:token@github.com/owner/kmdl.git",
    ],
)
def test_github_clone_urls_become_https(clone_url):
    assert repository_web_url(clone_url) == "https://github.com/owner/kmdl"
    assert github_parts(repository_web_url(clone_url)) == ("owner", "kmdl")


@pytest.mark.parametrize(
    "clone_url",
    ["https://gitlab.com/owner/kmdl.git", "git@gitlab.com:owner/kmdl.git", "https://user:token@gitlab.com/owner/kmdl"],
)
def test_other_hosts_keep_url_without_credentials(clone_url):
    assert repository_web_url(clone_url) == "https://gitlab.com/owner/kmdl"
    assert github_parts(repository_web_url(clone_url)) is None


def build_with_url(tmp_path, url, explicit):
    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        f"import sys\nsys.path.insert(0, {str(EXT_DIR)!r})\n"
        f"extensions = ['kmdl_launch']\nkmdl_repository_url = {url!r}\n"
    )
    (source / "index.rst").write_text("Title\n=====\n\nText.\n")
    env = {key: value for key, value in os.environ.items() if key != "KMDL_REPOSITORY_URL"}
    if explicit:
        env["KMDL_REPOSITORY_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(source), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
    )


def test_other_host_from_clone_url_builds(tmp_path):
    result = build_with_url(tmp_path, "https://gitlab.com/owner/kmdl", explicit=False)
    assert result.returncode == 0, result.stderr
    assert "not a https://github.com/OWNER/REPO URL" not in result.stderr


def test_explicit_other_host_warns(tmp_path):
    result = build_with_url(tmp_path, "https://gitlab.com/owner/kmdl", explicit=True)
    assert result.returncode != 0
    assert "not a https://github.com/OWNER/REPO URL" in result.stderr
