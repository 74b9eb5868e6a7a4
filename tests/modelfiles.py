"""Building edited and hostile model files for the tests (our own builders; nothing is read from outside)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import numpy as np


def npy(array, allow_pickle: bool = False) -> bytes:
    """The ``.npy`` bytes of an array."""
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=allow_pickle)
    return buf.getvalue()


def members(data: bytes) -> dict[str, bytes]:
    """The members of a model file's bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return {name: source.read(name) for name in source.namelist()}


def array(data: bytes, name: str) -> np.ndarray:
    """One array of a model file's bytes (``coef``, ``vocabulary`` …)."""
    return np.lib.format.read_array(io.BytesIO(members(data)[f"{name}.npy"]))


def rewrite(data: bytes, path, *, header=None, replace: dict | None = None, drop=(), rehash: bool = True,
            compression: dict | None = None):
    """Write to ``path`` a copy of the model file ``data`` with edits, and return ``path``.

    ``header``: a function that edits the header dict in place; ``replace``: member name -> new bytes (for an
    array, its dtype/shape/sha256 in the header follow when ``rehash``); ``drop``: members left out;
    ``compression``: member name -> zipfile compression method (default: deflate).
    """
    parts = members(data)
    head = json.loads(parts["header.json"])
    for name, blob in (replace or {}).items():
        parts[name] = blob
        if rehash and name.endswith(".npy"):
            arr = np.lib.format.read_array(io.BytesIO(blob), allow_pickle=False) if b"'|O'" not in blob[:200] else None
            meta = head["arrays"][name[:-4]]
            meta["sha256"] = hashlib.sha256(blob).hexdigest()
            if arr is not None:
                meta.update(dtype=arr.dtype.str, shape=list(arr.shape))
    if header is not None:
        header(head)
    parts["header.json"] = json.dumps(head, ensure_ascii=False).encode("utf-8")
    with zipfile.ZipFile(path, "w") as out:
        for name, blob in parts.items():
            if name in drop:
                continue
            out.writestr(name, blob, compress_type=(compression or {}).get(name, zipfile.ZIP_DEFLATED))
    return path
