import hashlib
import re

from conftest import SEEDS


def test_seed_files_match_their_recorded_sha256():
    rows = re.findall(r"^\| `([^`]+)` \| `([0-9a-f]{64})` \|", (SEEDS / "PROVENANCE.md").read_text(encoding="utf-8"), re.M)
    assert len(rows) == 9
    for name, digest in rows:
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest() == digest, name
