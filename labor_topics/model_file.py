"""Saving and loading models: plain arrays and JSON in a zip (``.npz``), never a pickle.

Layout of a model file (a zip archive that ``numpy.load`` can also read):

* ``header.json`` — ``format``, ``format_version``, ``labels``, ``config``, ``default_threshold``,
  ``temperature`` and, for every array, its dtype, shape and the sha256 of its ``.npy`` bytes;
* ``vocabulary.npy`` (unicode strings), ``idf.npy``, ``coef.npy``, ``intercept.npy`` (float64).

Loading reads every array with ``allow_pickle=False`` after checking the declared sizes, and checks the
hashes, shapes and format version; any problem raises :class:`ModelFileError` naming the file. The hashes
detect corruption, not deliberate forgery. Saving writes a temporary file in the target folder and renames
it over the target, so a reader sees the old file or the new one, never half of one. Members carry a fixed
timestamp, so the same model gives the same bytes.

The card (training data, figures, dates) is a JSON file beside the model: ``<name>.card.json``.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile

import numpy as np

from .atomic import atomic_write
from .errors import ModelFileError
from .features import TfidfSpace
from .labels import LABELS

__all__ = ["ModelFileError", "save_model", "load_model_file", "card_path", "FORMAT", "FORMAT_VERSION"]

FORMAT = "labor-topics-model"
FORMAT_VERSION = 1
_ARRAYS = ("vocabulary", "idf", "coef", "intercept")
_MAX_MEMBER_BYTES = 256 * 1024 * 1024  # declared uncompressed size of all members together
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def card_path(path: str | os.PathLike) -> str:
    path = os.fspath(path)
    return (path[:-4] if path.endswith(".npz") else path) + ".card.json"


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def model_bytes(model) -> bytes:
    """The model file's bytes (deterministic)."""
    arrays = {
        "vocabulary": np.asarray(model.space.vocabulary, dtype=str),
        "idf": np.asarray(model.space.idf, dtype=np.float64),
        "coef": np.asarray(model.coef, dtype=np.float64),
        "intercept": np.asarray(model.intercept, dtype=np.float64),
    }
    blobs = {name: _npy_bytes(a) for name, a in arrays.items()}
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "labels": list(LABELS),
        "config": model.config,
        "default_threshold": model.default_threshold,
        "temperature": model.temperature,
        "arrays": {
            name: {"dtype": arrays[name].dtype.str, "shape": list(arrays[name].shape),
                   "sha256": hashlib.sha256(blobs[name]).hexdigest()}
            for name in _ARRAYS
        },
    }
    members = {"header.json": json.dumps(header, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")}
    members.update({f"{name}.npy": blobs[name] for name in _ARRAYS})
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def save_model(model, path: str | os.PathLike, card: dict | None = None) -> str:
    """Write ``model`` to ``path`` atomically, and its card beside it (with the file's sha256)."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path}: is a directory; give a file name such as model.npz")
    data = model_bytes(model)
    card = dict(card if card is not None else model.card)
    card["model_file"] = {"name": os.path.basename(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    atomic_write(path, data)
    atomic_write(card_path(path), (json.dumps(card, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return path


def _fail(path, reason):
    raise ModelFileError(path, reason)


def load_model_file(path: str | os.PathLike, tokenizer: str = "jieba"):
    """Load a model saved by :func:`save_model` (and its card when present). Runs no code from the file.

    Raises ``FileNotFoundError`` for a missing path and :class:`ModelFileError` for anything else wrong.
    """
    path = os.fspath(path)
    try:
        model = _load(path)
        model.tokenizer = tokenizer
        return model
    except (ModelFileError, FileNotFoundError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a damaged file must never surface as a numpy or zipfile traceback
        raise ModelFileError(path, f"damaged model file ({type(exc).__name__}: {exc})") from None


def _load(path: str):
    from .model import Model

    if os.path.isdir(path):
        _fail(path, "is a directory, not a model file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{path}: no such model file")
    if os.path.getsize(path) > _MAX_MEMBER_BYTES:
        _fail(path, f"{os.path.getsize(path)} bytes: too large for a model file (refused unread)")
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:1] == b"\x80" or data[:2] in (b"(d", b"(l", b"}q", b"]q"):
        _fail(path, "looks like a pickle; labor-topics never loads pickles (they can run code). Retrain and save with labor-topics")
    if data[:4] != b"PK\x03\x04":
        _fail(path, "not a labor-topics model file (not a zip/.npz archive), or it is truncated")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = {info.filename: info for info in zf.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        _fail(path, f"damaged or truncated archive ({exc})")
    expected = {"header.json", *(f"{n}.npy" for n in _ARRAYS)}
    if set(infos) != expected:
        _fail(path, f"unexpected members {sorted(infos)}; expected {sorted(expected)}")
    total = 0
    for info in infos.values():
        total += info.file_size
        if info.file_size > _MAX_MEMBER_BYTES or total > _MAX_MEMBER_BYTES:
            _fail(path, f"member {info.filename} declares {info.file_size} bytes: too large for a model (refused unread)")

    def read(name: str) -> bytes:
        try:
            raw = zf.read(name)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
            _fail(path, f"cannot read {name}: damaged archive ({exc})")
        except Exception as exc:  # zlib.error and friends
            _fail(path, f"cannot read {name}: damaged archive ({type(exc).__name__}: {exc})")
        if len(raw) != infos[name].file_size:
            _fail(path, f"{name} is not the size its header declares")
        return raw

    try:
        header = json.loads(read("header.json").decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        _fail(path, f"header.json is not valid JSON ({exc})")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        _fail(path, "header.json does not describe a labor-topics model")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        _fail(path, f"unknown format version {version!r}; this labor-topics reads version {FORMAT_VERSION}: upgrade it or retrain")
    if header.get("labels") != list(LABELS):
        _fail(path, f"labels {header.get('labels')!r} are not the five sections {list(LABELS)}")
    declared = header.get("arrays")
    if not isinstance(declared, dict) or set(declared) != set(_ARRAYS):
        _fail(path, "header.json does not list the arrays")
    arrays = {}
    for name in _ARRAYS:
        raw = read(f"{name}.npy")
        meta = declared[name]
        if not isinstance(meta, dict) or hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
            _fail(path, f"{name}.npy does not match its sha256 in the header: the file is corrupted")
        try:
            array = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
        except ValueError as exc:
            _fail(path, f"{name}.npy cannot be read without pickle ({exc})")
        except Exception as exc:
            _fail(path, f"{name}.npy is damaged ({type(exc).__name__}: {exc})")
        if array.dtype.hasobject:
            _fail(path, f"{name}.npy holds Python objects; refused")
        if list(array.shape) != meta.get("shape") or array.dtype.str != meta.get("dtype"):
            _fail(path, f"{name}.npy has shape {list(array.shape)} / dtype {array.dtype.str}, the header says {meta.get('shape')} / {meta.get('dtype')}")
        arrays[name] = array
    n_labels, n_features = len(LABELS), arrays["vocabulary"].shape[0] if arrays["vocabulary"].ndim == 1 else -1
    if (arrays["vocabulary"].dtype.kind != "U" or n_features < 0 or arrays["idf"].shape != (n_features,)
            or arrays["coef"].shape != (n_labels, n_features) or arrays["intercept"].shape != (n_labels,)
            or arrays["idf"].dtype.kind != "f" or arrays["coef"].dtype.kind != "f" or arrays["intercept"].dtype.kind != "f"):
        _fail(path, "array shapes do not agree with each other (vocabulary, idf, coef, intercept)")
    config = header.get("config")
    temperature = header.get("temperature")
    threshold = header.get("default_threshold")
    if not isinstance(config, dict) or not isinstance(temperature, (int, float)) or not temperature > 0:
        _fail(path, "header.json lacks a valid config or temperature")
    if threshold is not None and not (isinstance(threshold, (int, float)) and 0 <= threshold <= 1):
        _fail(path, "header.json has an invalid default_threshold")
    card = {}
    cpath = card_path(path)
    if os.path.isfile(cpath):
        try:
            with open(cpath, encoding="utf-8") as fh:
                card = json.load(fh)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            card = {}
        recorded = card.get("model_file", {}).get("sha256") if isinstance(card, dict) and isinstance(card.get("model_file"), dict) else None
        if recorded != hashlib.sha256(data).hexdigest():
            import warnings

            warnings.warn(f"{cpath}: this card does not describe {path} (sha256 differs); ignoring it", stacklevel=2)
            card = {}
    return Model(
        space=TfidfSpace(arrays["vocabulary"], arrays["idf"]),
        coef=arrays["coef"],
        intercept=arrays["intercept"],
        temperature=float(temperature),
        config=config,
        default_threshold=None if threshold is None else float(threshold),
        card=card if isinstance(card, dict) else {},
        path=path,
    )
