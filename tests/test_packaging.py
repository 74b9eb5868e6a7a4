"""The installed wheel carries the model, the seeds and the union dictionary, and works outside the checkout.

The rest of the suite imports the source tree (pyproject's ``pythonpath``); this test looks at what
``pip install .`` put in site-packages. With an editable install (the development set-up) there is no wheel
to look at, and it is skipped; CI installs the wheel, as the README's Quick start does."""

import json
import os
import subprocess
import sys
from importlib import metadata

import pytest


def _installed():
    try:
        dist = metadata.distribution("labor-topics")
    except metadata.PackageNotFoundError:
        pytest.skip("labor-topics is not installed")
    direct = dist.read_text("direct_url.json")
    if direct and json.loads(direct).get("dir_info", {}).get("editable"):
        pytest.skip("an editable install: no wheel to check (CI installs the wheel)")
    return dist


def test_the_wheel_carries_the_model_seeds_and_dictionary():
    files = {str(f).replace(os.sep, "/") for f in _installed().files}
    for needed in ["labor_topics/models/labor_topics.npz", "labor_topics/models/labor_topics.card.json",
                   "labor_topics/seeds/corpus/train.jsonl", "labor_topics/seeds/corpus/dev.jsonl",
                   "labor_topics/seeds/000_5e0e8bdbf41ae710.txt", "labor_topics/data/union_terms.txt",
                   "labor_topics/py.typed"]:
        assert needed in files


def test_the_installed_package_classifies_outside_the_checkout(tmp_path):
    _installed()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = ("import labor_topics, sys; p = labor_topics.classify('快递企业召开工资集体协商会议'); "
            "print(labor_topics.__file__); print(p.label)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    where, label = result.stdout.split()
    assert "site-packages" in where and label == "构建和谐劳动关系"
