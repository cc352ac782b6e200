"""How an instance is started: its command line, its environment (built from nothing but
Lambda's variables and the function's own), and its resource limits.

Memory: Python and ``provided`` runtimes get RLIMIT_AS = MemorySize, so an allocation past it
fails (Python raises MemoryError, which the service reports as Runtime.OutOfMemory). V8
reserves gigabytes of address space up front, so Node.js gets its heap capped at MemorySize
(``--max-old-space-size``) and RLIMIT_AS = MemorySize + 2 GiB of reservations instead.
"""
from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Callable

from workflow.functions.context import DEFAULT_REGION
from workflow.functions.service.records import FunctionConfig

BOOTSTRAP_DIR = Path(__file__).resolve().parent / "bootstrap"
PYTHON_BOOTSTRAP = BOOTSTRAP_DIR / "python_bootstrap.py"
NODE_BOOTSTRAP = BOOTSTRAP_DIR / "node_bootstrap.js"
SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
NODE_RESERVE_MB = 2048


@functools.lru_cache(maxsize=None)
def python_for(runtime: str) -> str:
    """An interpreter of the runtime's version when this machine has one, else ours."""
    wanted = runtime.removeprefix("python")
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == wanted:
        return sys.executable
    candidates = [shutil.which(f"python{wanted}")]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(p) for p in pyenv.glob(f"{wanted}*/bin/python{wanted}"))
    for candidate in filter(None, candidates):
        try:
            done = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"],
                                  capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError):
            continue
        if done.returncode == 0 and done.stdout.strip() == str(tuple(map(int, wanted.split(".")))):
            return candidate
    return sys.executable


def command(config: FunctionConfig, code_dir: Path, python_ric: str = "builtin") -> list[str]:
    runtime = config.runtime
    if runtime.startswith("python"):
        python = python_for(runtime)
        if python_ric == "awslambdaric":
            return [python, "-m", "awslambdaric", config.handler]
        return [python, str(PYTHON_BOOTSTRAP)]
    if runtime.startswith("nodejs"):
        node = shutil.which("node") or "node"
        return [node, f"--max-old-space-size={config.memory_mb}", str(NODE_BOOTSTRAP)]
    return [str(code_dir / "bootstrap")]


def environment(config: FunctionConfig, code_dir: Path, runtime_api: str,
                program: str) -> dict[str, str]:
    """Lambda's variables (lambda-xray.md §4.3) over the function's own; nothing inherited."""
    stream = f"{time.strftime('%Y/%m/%d')}/[{config.version}]{uuid.uuid4().hex}"
    search = [str(Path(program).parent)] if os.sep in program else []
    env = dict(config.environment)
    env.update({
        "PATH": ":".join([*search, SYSTEM_PATH]), "LANG": "en_US.UTF-8", "TZ": ":UTC",
        "_HANDLER": config.handler, "LAMBDA_TASK_ROOT": str(code_dir),
        "LAMBDA_RUNTIME_DIR": str(BOOTSTRAP_DIR), "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "AWS_LAMBDA_FUNCTION_NAME": config.name, "AWS_LAMBDA_FUNCTION_VERSION": config.version,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(config.memory_mb),
        "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{config.name}",
        "AWS_LAMBDA_LOG_STREAM_NAME": stream, "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
        "AWS_REGION": DEFAULT_REGION, "AWS_DEFAULT_REGION": DEFAULT_REGION,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{config.runtime}"})
    if config.runtime.startswith("python"):
        env["PYTHONUNBUFFERED"] = "1"
    return env


def memory_limit(config: FunctionConfig) -> int:
    """RLIMIT_AS in bytes."""
    extra = NODE_RESERVE_MB if config.runtime.startswith("nodejs") else 0
    return (config.memory_mb + extra) * 1024 * 1024


def limiter(limit_bytes: int) -> Callable[[], None]:
    def apply() -> None:                # runs in the child between fork and exec
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return apply


def spawn(config: FunctionConfig, code_dir: Path, runtime_api: str, log_path: Path,
          python_ric: str = "builtin") -> subprocess.Popen[bytes]:
    argv = command(config, code_dir, python_ric)
    env = environment(config, code_dir, runtime_api, argv[0])
    fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        return subprocess.Popen(argv, cwd=code_dir, env=env, stdin=subprocess.DEVNULL,
                                stdout=fd, stderr=fd, close_fds=True, start_new_session=True,
                                preexec_fn=limiter(memory_limit(config)))
    finally:
        os.close(fd)
