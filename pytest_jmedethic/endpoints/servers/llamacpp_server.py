"""``python -m pytest_jmedethic.endpoints.servers.llamacpp_server``: serve a GGUF model with
llama.cpp.

The first line on stdout is ``jmedethic-local listening on http://127.0.0.1:PORT/v1``,
printed only once ``/v1/models`` lists the model; ``llamacpp.start_local`` waits for it.
Logs go to stderr. SIGTERM or SIGINT stops the server cleanly, and so does end-of-file on
stdin when ``--watch-stdin`` is given (the parent died).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from .llamacpp import (
    INSTALL_HINT,
    LocalModelError,
    bundled_model_path,
    check_model_file,
    default_threads,
    model_alias,
)

HOST = "127.0.0.1"  # never another interface: the server has no API key


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m pytest_jmedethic.endpoints.servers.llamacpp_server",
        description="Serve a GGUF model on an OpenAI-compatible endpoint (llama.cpp).",
    )
    parser.add_argument("--model", type=Path, help="GGUF file (default: bundled SmolLM2-135M)")
    parser.add_argument("--alias", help="model name to serve (default: derived from the file)")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    parser.add_argument("--ctx-size", type=int, default=2048, help="context tokens per slot")
    parser.add_argument("--threads", type=int, default=None, help="compute threads")
    parser.add_argument("--parallel", type=int, default=4, help="concurrent request slots")
    parser.add_argument(
        "--extra-buffers",
        action="store_true",
        help="allow llama.cpp's extra CPU buffer types (repacking, AMX); off by default",
    )
    parser.add_argument(
        "--watch-stdin", action="store_true", help="stop when stdin reaches end-of-file"
    )
    parser.add_argument(
        "--frequency-penalty",
        type=float,
        default=0.5,
        help="default for requests that set none (keeps tiny models out of loops)",
    )
    parser.add_argument("--seed", type=int, default=0, help="default sampling seed")
    parser.add_argument("--verbosity", type=int, default=2, help="llama.cpp log level (0-4)")
    parser.add_argument(
        "--ready-timeout", type=float, default=60.0, help="seconds to wait for /v1/models"
    )
    return parser.parse_args(argv)


def build_params(args: argparse.Namespace, model: Path, alias: str) -> Any:
    import xllamacpp

    threads = args.threads if args.threads is not None else default_threads()
    params = xllamacpp.CommonParams()
    params.model.path = str(model)
    params.model_alias = {alias}
    params.hostnames = [HOST]
    params.port = args.port  # 0 works: llama.cpp binds an ephemeral port and reports it
    # llama.cpp splits n_ctx between the slots; scale it so each slot gets ctx_size.
    params.n_ctx = args.ctx_size * args.parallel
    params.n_parallel = args.parallel
    params.kv_unified = False  # one slot's long prompt must not evict the others
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    # The AMX extra buffer type crashes some llama.cpp builds; repacking does not apply to
    # Q4_1 anyway. Off unless asked for, so the server starts on every CPU.
    params.no_extra_bufts = not args.extra_buffers
    # fit_params loads the model once more to size it to GPU memory: wasted on a CPU wheel.
    params.fit_params = False
    params.ui = False  # the web UI is of no use to a test suite
    params.verbosity = args.verbosity
    # Server-side defaults, used only by requests that do not set their own. Under greedy
    # decoding SmolLM2 repeats a phrase until max_tokens and never closes the verdict JSON
    # (5 of 6 real judge prompts); a frequency penalty of 0.5 closed all 6.
    params.sampling.penalty_freq = args.frequency_penalty
    # A fixed seed makes sampled replies repeatable from run to run, as a regression
    # suite needs; llama.cpp's default seed is random.
    params.sampling.seed = args.seed
    # A prompt longer than the context must fail with HTTP 400, not silently lose the
    # start of the conversation that the judges are asked about.
    params.ctx_shift = False
    return params


def wait_until_ready(base: str, alias: str, timeout: float) -> None:
    """Poll ``/v1/models`` until it lists ``alias``: the server then answers requests."""
    deadline = time.monotonic() + timeout
    last = "no answer yet"
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/v1/models", timeout=5) as response:
                body = json.loads(response.read())
            ids = [m.get("id") for m in body.get("data", [])]
            if alias in ids:
                return
            last = f"/v1/models lists {ids}, not {alias!r}"
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = str(exc)
        time.sleep(0.1)
    raise LocalModelError(f"the server did not answer /v1/models within {timeout} s: {last}")


def stop_event(watch_stdin: bool) -> threading.Event:
    """Set on SIGTERM or SIGINT, and with ``watch_stdin`` at end-of-file on stdin."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Installed before the model loads, so an early SIGTERM still ends in a clean exit.
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if watch_stdin:

        def watch() -> None:
            # os.read on the raw descriptor, not sys.stdin: a daemon thread blocked inside
            # the buffered reader's lock aborts the interpreter at shutdown.
            fd = sys.stdin.fileno()
            try:
                while os.read(fd, 4096):  # b"" at end-of-file, when the parent is gone
                    pass
            except OSError:
                pass
            stop.set()

        threading.Thread(target=watch, daemon=True).start()
    return stop


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop = stop_event(args.watch_stdin)
    try:
        import xllamacpp
    except ImportError as exc:
        print(f"cannot import xllamacpp ({exc}): {INSTALL_HINT}", file=sys.stderr)
        return 2
    try:
        model = args.model if args.model is not None else bundled_model_path()
        check_model_file(model)
        alias = args.alias or model_alias(model)
        params = build_params(args, model, alias)
    except LocalModelError as exc:
        print(str(exc), file=sys.stderr)
        return 2

    try:
        server = xllamacpp.Server(params)
    except RuntimeError as exc:
        # llama.cpp has already logged the cause (bind failure, bad model) to stderr.
        print(f"llama.cpp server failed to start: {exc}", file=sys.stderr)
        return 1
    try:
        base = str(server.listening_address).rstrip("/")
        wait_until_ready(base, alias, args.ready_timeout)
        print(f"jmedethic-local listening on {base}/v1", flush=True)
        print(f"serving {model} as {alias!r} at {base}/v1", file=sys.stderr, flush=True)
        # A timeout keeps the main thread returning to the interpreter, where signal
        # handlers run.
        while not stop.wait(0.5):
            pass
    except LocalModelError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    finally:
        # The destructor stops the HTTP listener and joins llama.cpp's main loop.
        del server
    return 0


if __name__ == "__main__":
    sys.exit(main())
