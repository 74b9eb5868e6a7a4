"""Saving and loading models: plain arrays and JSON in a zip (``.npz``), never a pickle.

Layout of a model file (a zip archive that ``numpy.load`` can also read):

* ``header.json`` — ``format``, ``format_version``, ``labels``, ``config``, ``default_threshold``,
  ``temperature``, ``features`` (the contract with the code: :data:`~labor_topics.features.FEATURES_VERSION`
  and the sha256 of the union dictionary) and, for every array, its dtype, shape and the sha256 of its
  ``.npy`` bytes;
* ``vocabulary.npy`` (unicode strings), ``idf.npy``, ``coef.npy``, ``intercept.npy`` (float64);
* ``card.json`` — the model card (training data, figures), so that a model and its card are one file.

Every member is stored or deflated, never compressed otherwise. A copy of the card, with the file's sha256
and the date, is written beside the model for people to read (``<name>.card.json``); loading never needs it.

Loading checks, in this order, and raises :class:`ModelFileError` naming the file and the problem at the first
that fails: the path is a regular file of at most :data:`MAX_FILE_BYTES` (read no further than that); it is a
zip (a pickle is named as such); its members are exactly the expected ones, stored or deflated, declaring
at most :data:`MAX_FILE_BYTES` together (refused unread: no zip bomb is inflated); the header is JSON of the
right format, version and labels; the feature contract matches this code; every array matches its hash,
holds no objects, and has the declared and mutually consistent shapes, finite values and a sorted, unique,
well-formed vocabulary within :data:`MAX_FEATURES`; the configuration's every field has the right type and a
safe range. The hashes detect corruption, not deliberate forgery; the checks make a forged file harmless.

Saving writes a temporary file in the target folder and renames it over the target, so a reader sees the
old file or the new one, never half of one. Members carry a fixed timestamp: the same model gives the same
bytes.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import math
import os
import stat
import warnings
import zipfile

import numpy as np

from .archives import unzip_problem
from .atomic import atomic_write, check_output_path
from .errors import ModelFileError
from .features import CHAR_PREFIX, FEATURES_VERSION, WORD_PREFIX, TfidfSpace
from .labels import LABELS
from .model import Model
from .tokenize import union_terms_sha256

__all__ = ["ModelFileError", "save_model", "load_model_file", "model_bytes", "card_path", "FORMAT", "FORMAT_VERSION",
           "MAX_FILE_BYTES", "MAX_FEATURES", "CONFIG_KEYS"]

FORMAT = "labor-topics-model"
FORMAT_VERSION = 1
#: The largest model file read, and the most its members may declare together once inflated.
MAX_FILE_BYTES = 256 * 1024 * 1024
#: The most features (vocabulary entries) a model may have.
MAX_FEATURES = 2_000_000
#: The longest feature name, in characters.
MAX_FEATURE_CHARS = 200
#: The largest card read beside a model (cards of format 1 files without an embedded card).
MAX_CARD_BYTES = 16 * 1024 * 1024
#: The configuration keys a model file may carry.
CONFIG_KEYS = ("word_ngrams", "char_ngrams", "min_df", "classifier", "C", "class_weight", "hmm", "headline_copies",
               "max_chars", "calibration")
_CLASSIFIERS = ("logreg", "linearsvc", "ridge")
_MAX_NGRAM = 8
_MAX_CHARS_LIMIT = 1_000_000
_ARRAYS = ("vocabulary", "idf", "coef", "intercept")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
#: Card fields that change from one save to the next; kept out of the model file so that the same model
#: gives the same bytes, and written only in the copy beside it.
_CARD_FILE_ONLY = ("created", "model_file")


def card_path(path: str | os.PathLike) -> str:
    """Where the readable copy of a model's card goes: ``model.npz`` -> ``model.card.json``."""
    path = os.fspath(path)
    return (path[:-4] if path.endswith(".npz") else path) + ".card.json"


def feature_contract() -> dict:
    """What a model's features depend on besides its arrays: the rules' version and the union dictionary."""
    return {"version": FEATURES_VERSION, "union_terms_sha256": union_terms_sha256()}


# ====================================================================== saving


def _npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ascontiguousarray(array), allow_pickle=False)
    return buf.getvalue()


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1, allow_nan=False).encode("utf-8")


def model_bytes(model: Model, card: dict | None = None) -> bytes:
    """The model file's bytes (deterministic), with ``card`` (default: the model's) embedded."""
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
        "features": feature_contract(),
        "arrays": {
            name: {"dtype": arrays[name].dtype.str, "shape": list(arrays[name].shape),
                   "sha256": hashlib.sha256(blobs[name]).hexdigest()}
            for name in _ARRAYS
        },
    }
    card = {k: v for k, v in (model.card if card is None else card).items() if k not in _CARD_FILE_ONLY}
    members = {"header.json": _json_bytes(header)}
    members.update({f"{name}.npy": blobs[name] for name in _ARRAYS})
    members["card.json"] = _json_bytes(card)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=9)
    return buf.getvalue()


def save_model(model: Model, path: str | os.PathLike, card: dict | None = None) -> str:
    """Write ``model`` (with its card embedded) to ``path`` atomically, then a readable copy of the card beside
    it (with the file's sha256, and the date the card was created unless it has one); return the path.

    Raises
    ------
    OutputPathError
        ``path`` or the card's path is a directory or not a regular file (checked before anything is written).
    """
    path = os.fspath(path)
    check_output_path(path)
    check_output_path(card_path(path))
    card = dict(model.card if card is None else card)
    data = model_bytes(model, card)
    card.setdefault("created", _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat())
    card["model_file"] = {"name": os.path.basename(path), "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    atomic_write(path, data)
    atomic_write(card_path(path), (json.dumps(card, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    model.card = {k: v for k, v in card.items() if k not in _CARD_FILE_ONLY}
    return path


# ====================================================================== loading


def load_model_file(path: str | os.PathLike, tokenizer: str = "jieba") -> Model:
    """Load a model saved by :func:`save_model`. Runs no code from the file.

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ModelFileError
        Anything else wrong with the file (see the module doc for the checks).
    """
    path = os.fsdecode(path) if isinstance(path, bytes) else os.fspath(path)
    try:
        model = _Loader(path).load()
    except (ModelFileError, FileNotFoundError, KeyboardInterrupt):
        raise
    except MemoryError:
        raise ModelFileError(path, "too large to load into memory") from None
    except Exception as exc:  # a damaged file must never surface as a numpy or zipfile traceback
        raise ModelFileError(path, f"damaged model file ({type(exc).__name__}: {exc})") from None
    model.tokenizer = tokenizer
    return model


class _Loader:
    """The steps of loading one model file; each raises :class:`ModelFileError` on what it finds wrong."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, reason: str):
        raise ModelFileError(self.path, reason)

    def load(self) -> Model:
        data = self.read_file()
        zf, infos = self.open_archive(data)
        header = self.read_header(zf, infos)
        self.check_contract(header)
        arrays = self.read_arrays(zf, infos, header)
        config = self.check_config(header.get("config"))
        self.check_vocabulary(arrays["vocabulary"], config)
        temperature, threshold = self.check_scalars(header)
        card = self.read_card(zf, infos, data)
        return Model(space=TfidfSpace(arrays["vocabulary"], arrays["idf"]), coef=arrays["coef"],
                     intercept=arrays["intercept"], temperature=temperature, config=config,
                     default_threshold=threshold, card=card, path=self.path)

    # ---------------------------------------------------------------- the file and the archive
    def read_file(self) -> bytes:
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            raise FileNotFoundError(f"{self.path}: no such model file") from None
        except OSError as exc:
            self.fail(f"cannot be read ({exc.strerror or exc})")
        if stat.S_ISDIR(info.st_mode):
            self.fail("is a directory, not a model file")
        if not stat.S_ISREG(info.st_mode):
            self.fail("is not a regular file (a device, pipe or socket); give a model file")
        if info.st_size > MAX_FILE_BYTES:
            self.fail(f"{info.st_size} bytes: too large for a model file (refused unread)")
        try:
            with open(self.path, "rb") as fh:
                data = fh.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            self.fail(f"cannot be read ({exc.strerror or exc})")
        if len(data) > MAX_FILE_BYTES:
            self.fail(f"more than {MAX_FILE_BYTES} bytes: too large for a model file")
        if data[:1] == b"\x80" or data[:2] in (b"(d", b"(l", b"}q", b"]q"):
            self.fail("looks like a pickle; labor-topics never loads pickles (they can run code). "
                      "Retrain and save with labor-topics")
        if data[:4] != b"PK\x03\x04":
            self.fail("not a labor-topics model file (not a zip/.npz archive), or it is truncated")
        return data

    def open_archive(self, data: bytes):
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
            infos = {info.filename: info for info in zf.infolist()}
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            self.fail(f"damaged or truncated archive ({exc})")
        expected = {"header.json", *(f"{n}.npy" for n in _ARRAYS)}
        found = set(infos)
        if not expected <= found or found - expected - {"card.json"}:
            extra = sorted(found - expected - {"card.json"})
            self.fail(f"unexpected members ({len(found)} in all{', e.g. ' + ', '.join(extra[:5]) if extra else ''}); "
                      f"expected {', '.join(sorted(expected))} and card.json")
        problem = unzip_problem(infos.values(), MAX_FILE_BYTES)
        if problem:
            self.fail(problem)
        return zf, infos

    def member(self, zf, infos, name: str) -> bytes:
        declared = infos[name].file_size
        try:
            with zf.open(name) as fh:
                raw = fh.read(declared + 1)
        except Exception as exc:  # zlib.error, BadZipFile, CRC errors and friends
            self.fail(f"cannot read {name}: damaged archive ({type(exc).__name__}: {exc})")
        if len(raw) != declared:
            self.fail(f"{name} is not the size its header declares")
        return raw

    def json_member(self, zf, infos, name: str):
        try:
            return json.loads(self.member(zf, infos, name).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            self.fail(f"{name} is not valid JSON ({type(exc).__name__}: {str(exc)[:100]})")

    # ---------------------------------------------------------------- header and contract
    def read_header(self, zf, infos) -> dict:
        header = self.json_member(zf, infos, "header.json")
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            self.fail("header.json does not describe a labor-topics model")
        version = header.get("format_version")
        if version != FORMAT_VERSION:
            self.fail(f"unknown format version {str(version)[:20]}; this labor-topics reads version {FORMAT_VERSION}: "
                      "upgrade it or retrain")
        if header.get("labels") != list(LABELS):
            self.fail(f"labels {str(header.get('labels'))[:100]} are not the five sections {list(LABELS)}")
        declared = header.get("arrays")
        if not isinstance(declared, dict) or set(declared) != set(_ARRAYS) or not all(isinstance(m, dict) for m in declared.values()):
            self.fail("header.json does not list the arrays")
        return header

    def check_contract(self, header: dict) -> None:
        contract = header.get("features")
        if contract is None:
            warnings.warn(f"{self.path}: this model file does not record the feature rules it was made with "
                          f"(made by labor-topics 0.1); if its predictions look wrong, retrain it with this version",
                          stacklevel=4)
            return
        ours = feature_contract()
        if not isinstance(contract, dict):
            self.fail("header.json has an invalid feature contract")
        if contract.get("version") != ours["version"]:
            self.fail(f"made with feature rules version {str(contract.get('version'))[:20]}, this labor-topics has "
                      f"version {ours['version']}: retrain the model with this version, or install the version that made it")
        if contract.get("union_terms_sha256") != ours["union_terms_sha256"]:
            self.fail("made with another union dictionary (data/union_terms.txt differs): retrain the model with this "
                      "installation, or install the labor-topics that made it")

    # ---------------------------------------------------------------- arrays
    def read_arrays(self, zf, infos, header: dict) -> dict[str, np.ndarray]:
        arrays = {}
        for name in _ARRAYS:
            raw = self.member(zf, infos, f"{name}.npy")
            meta = header["arrays"][name]
            if hashlib.sha256(raw).hexdigest() != meta.get("sha256"):
                self.fail(f"{name}.npy does not match its sha256 in the header: the file is corrupted")
            arrays[name] = self.parse_array(name, raw, meta)
        n_features = arrays["vocabulary"].shape[0] if arrays["vocabulary"].ndim == 1 else -1
        if (n_features < 0 or arrays["idf"].shape != (n_features,)
                or arrays["coef"].shape != (len(LABELS), n_features) or arrays["intercept"].shape != (len(LABELS),)):
            self.fail("array shapes do not agree with each other (vocabulary, idf, coef, intercept)")
        if n_features > MAX_FEATURES:
            self.fail(f"{n_features} features: more than the {MAX_FEATURES} a model may have")
        for name in ("idf", "coef", "intercept"):
            if not np.isfinite(arrays[name]).all():
                self.fail(f"{name}.npy holds NaN or infinite values")
        if not (arrays["idf"] > 0).all():
            self.fail("idf.npy holds weights that are not positive")
        return arrays

    def parse_array(self, name: str, raw: bytes, meta: dict) -> np.ndarray:
        buf = io.BytesIO(raw)
        try:
            version = np.lib.format.read_magic(buf)
            read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, _, dtype = read_header(buf)
        except Exception as exc:
            self.fail(f"{name}.npy has no valid npy header ({type(exc).__name__}: {str(exc)[:100]})")
        if dtype.hasobject:
            self.fail(f"{name}.npy holds Python objects; refused")
        wanted = "U" if name == "vocabulary" else "f"
        if dtype.kind != wanted or (wanted == "U" and dtype.itemsize > 4 * MAX_FEATURE_CHARS):
            self.fail(f"{name}.npy has dtype {dtype.str}; expected {'unicode strings of at most ' + str(MAX_FEATURE_CHARS) + ' characters' if wanted == 'U' else 'floating point'}")
        if math.prod(shape) * dtype.itemsize > len(raw):
            self.fail(f"{name}.npy declares shape {list(shape)[:4]}, more than its {len(raw)} bytes hold")
        try:
            array = np.lib.format.read_array(io.BytesIO(raw), allow_pickle=False)
        except Exception as exc:
            self.fail(f"{name}.npy is damaged ({type(exc).__name__}: {str(exc)[:100]})")
        if list(array.shape) != meta.get("shape") or array.dtype.str != meta.get("dtype"):
            self.fail(f"{name}.npy has shape {list(array.shape)[:4]} / dtype {array.dtype.str}, the header says "
                      f"{str(meta.get('shape'))[:40]} / {str(meta.get('dtype'))[:20]}")
        return array if wanted == "U" else array.astype(np.float64)

    # ---------------------------------------------------------------- configuration and vocabulary
    def check_config(self, config) -> dict:
        if not isinstance(config, dict):
            self.fail("header.json lacks a valid config")
        unknown = sorted(set(config) - set(CONFIG_KEYS))
        if unknown:
            self.fail(f"config has unknown fields {unknown[:5]} (made by a newer labor-topics?): upgrade labor-topics")
        for key in ("word_ngrams", "char_ngrams"):
            value = config.get(key)
            if value is None:
                continue
            if (not isinstance(value, list) or len(value) != 2 or not all(type(v) is int for v in value)
                    or not 1 <= value[0] <= value[1] <= _MAX_NGRAM):
                self.fail(f"config {key} must be null or [lo, hi] with 1 <= lo <= hi <= {_MAX_NGRAM}, got {str(value)[:40]}")
        if not config.get("word_ngrams") and not config.get("char_ngrams"):
            self.fail("config has neither word_ngrams nor char_ngrams: the model would read nothing")
        max_chars = config.get("max_chars", 20_000)
        if type(max_chars) is not int or not 1 <= max_chars <= _MAX_CHARS_LIMIT:
            self.fail(f"config max_chars must be a whole number in [1, {_MAX_CHARS_LIMIT}], got {str(max_chars)[:40]}")
        if type(config.get("hmm", False)) is not bool:
            self.fail("config hmm must be true or false")
        if "classifier" in config and config["classifier"] not in _CLASSIFIERS:
            self.fail(f"config classifier must be one of {', '.join(_CLASSIFIERS)}")
        c = config.get("C", 1.0)
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c) or c <= 0:
            self.fail("config C must be a positive number")
        min_df = config.get("min_df", 1)
        if type(min_df) is not int or min_df < 1:
            self.fail("config min_df must be a positive whole number")
        copies = config.get("headline_copies", 0.0)
        if isinstance(copies, bool) or not isinstance(copies, (int, float)) or not 0 <= copies <= 100:
            self.fail("config headline_copies must be a number in [0, 100]")
        if config.get("class_weight") not in (None, "balanced"):
            self.fail("config class_weight must be null or \"balanced\"")
        if not isinstance(config.get("calibration", ""), str):
            self.fail("config calibration must be a string")
        return config

    def check_vocabulary(self, vocabulary: np.ndarray, config: dict) -> None:
        """Sorted and unique; the ``c:`` block, then the ``w:`` block, each name an n-gram the configuration
        makes (so that no crafted name can reach the lookup tables)."""
        if len(vocabulary) > 1 and not (vocabulary[1:] > vocabulary[:-1]).all():
            self.fail("vocabulary.npy is not sorted and unique")
        n_char = int(np.searchsorted(vocabulary, WORD_PREFIX)) if len(vocabulary) else 0
        chars, words = vocabulary[:n_char], vocabulary[n_char:]
        char_range, word_range = config.get("char_ngrams"), config.get("word_ngrams")
        if len(chars):
            lengths = np.char.str_len(chars) - len(CHAR_PREFIX)
            if (not char_range or not np.char.startswith(chars, CHAR_PREFIX).all()
                    or lengths.min() < char_range[0] or lengths.max() > char_range[1]):
                self.fail("vocabulary.npy holds names that are no character n-gram of the configuration")
        if len(words):
            parts = np.char.count(words, " ") + 1
            if (not word_range or not np.char.startswith(words, WORD_PREFIX).all()
                    or parts.min() < word_range[0] or parts.max() > word_range[1]
                    or (np.char.str_len(words) <= len(WORD_PREFIX)).any() or (np.char.find(words, "  ") >= 0).any()
                    or np.char.startswith(words, WORD_PREFIX + " ").any() or np.char.endswith(words, " ").any()):
                self.fail("vocabulary.npy holds names that are no word n-gram of the configuration "
                          f"(names start with {CHAR_PREFIX!r} or {WORD_PREFIX!r})")

    def check_scalars(self, header: dict) -> tuple[float, float | None]:
        temperature = header.get("temperature")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)) \
                or not 1e-6 <= temperature <= 1e6:  # NaN fails the comparison too
            self.fail("header.json has an invalid temperature (a finite number in [1e-6, 1e6] is needed)")
        threshold = header.get("default_threshold")
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                      or not 0 <= threshold <= 1):
            self.fail("header.json has an invalid default_threshold (null or a number in [0, 1] is needed)")
        return float(temperature), None if threshold is None else float(threshold)

    # ---------------------------------------------------------------- card
    def read_card(self, zf, infos, data: bytes) -> dict:
        if "card.json" in infos:
            card = self.json_member(zf, infos, "card.json")
            if not isinstance(card, dict):
                self.fail("card.json is not a JSON object")
            return _checked_card(card)
        return self.card_beside(data)

    def card_beside(self, data: bytes) -> dict:
        """The card of a file without an embedded card: beside it, if it records this file's sha256."""
        cpath = card_path(self.path)
        try:
            if not os.path.isfile(cpath):
                return {}
            with open(cpath, "rb") as fh:
                raw = fh.read(MAX_CARD_BYTES + 1)
            if len(raw) > MAX_CARD_BYTES:
                raise ValueError(f"more than {MAX_CARD_BYTES} bytes")
            card = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError, RecursionError) as exc:
            warnings.warn(f"{cpath}: cannot read this card ({type(exc).__name__}); ignoring it", stacklevel=5)
            return {}
        recorded = card.get("model_file", {}).get("sha256") if isinstance(card, dict) and isinstance(card.get("model_file"), dict) else None
        if recorded != hashlib.sha256(data).hexdigest():
            warnings.warn(f"{cpath}: this card does not describe {self.path} (sha256 differs); ignoring it", stacklevel=5)
            return {}
        return _checked_card(card)


def _checked_card(card: dict) -> dict:
    """The fields other code reads from a card, with the types it expects (a field of another type is
    dropped, with a warning)."""
    expected = {"training_text_sha256": list, "data": list, "counts": dict, "config_name": str, "selection": dict,
                "threshold": dict, "heldout": dict}
    out = dict(card)
    for key, kind in expected.items():
        if key in out and not isinstance(out[key], kind):
            warnings.warn(f"model card field {key!r} is not a {kind.__name__}; ignoring it", stacklevel=6)
            del out[key]
    hashes = out.get("training_text_sha256")
    if hashes is not None and not all(isinstance(h, str) for h in hashes):
        del out["training_text_sha256"]
    return out
