"""The security checklist as data: categories, findings, and the names each rule knows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Category(str, Enum):
    """Exactly the scrub seed's security checklist."""

    NETWORK = "network"
    FILE_OUTSIDE_TMP = "file_outside_tmp"
    SHELL_EXECUTION = "shell_execution"
    EXTERNAL_LOAD = "external_load"
    OBFUSCATION = "obfuscation"
    PACKAGE_INSTALL = "package_install"
    ENVIRONMENT = "environment"


@dataclass(frozen=True, slots=True)
class Finding:
    """One concern: ``line`` is 1-based in the scanned code, ``code`` that line's text."""

    category: Category
    line: int
    code: str
    reason: str

    def as_json(self) -> dict:
        return {"category": self.category.value, "line": self.line, "code": self.code, "reason": self.reason}


ENV_ALLOWED = frozenset({
    "MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "GROUP_RANK",
    "ROLE_RANK", "ROLE_WORLD_SIZE", "CUDA_VISIBLE_DEVICES", "CUDA_LAUNCH_BLOCKING", "CUDA_DEVICE_ORDER",
    "CUDA_MODULE_LOADING", "CUBLAS_WORKSPACE_CONFIG", "CUBLASLT_WORKSPACE_SIZE", "OMP_NUM_THREADS",
    "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", "PYTHONHASHSEED", "HIP_VISIBLE_DEVICES",
    "ROCR_VISIBLE_DEVICES", "NVIDIA_TF32_OVERRIDE", "KMP_AFFINITY", "KMP_BLOCKTIME", "PYTHONFAULTHANDLER",
    "PYTHONUNBUFFERED", "PYTHONWARNINGS", "CUDNN_LOGINFO_DBG", "CUDNN_LOGDEST_DBG", "TF_CPP_MIN_LOG_LEVEL",
})
ENV_ALLOWED_PREFIXES = ("TORCH_", "TORCHINDUCTOR_", "TORCHDYNAMO_", "TORCHELASTIC_", "TORCHFT_", "NCCL_", "PYTORCH_",
                        "GLOO_", "TRITON_", "MIOPEN_", "ROCBLAS_", "KINETO_", "CUDA_CACHE_", "XLA_")


def env_allowed(name: str) -> bool:
    return name in ENV_ALLOWED or name.startswith(ENV_ALLOWED_PREFIXES)


# Modules whose import alone means network access (urllib.parse etc. are excluded by name).
NETWORK_MODULES = frozenset({
    "requests", "urllib.request", "urllib2", "urllib3", "httpx", "aiohttp", "http.client", "http.server",
    "ftplib", "smtplib", "telnetlib", "paramiko", "websocket", "websockets", "pycurl", "xmlrpc.client",
    "poplib", "imaplib", "nntplib", "socketserver", "asyncssh", "fabric",
})
NETWORK_SAFE_SUBMODULES = ("urllib.parse", "urllib.error", "http.HTTPStatus")
NETWORK_CALLS = frozenset({
    "socket.create_connection", "socket.getaddrinfo", "socket.gethostbyname", "socket.create_server",
    "urllib.request.urlopen", "urllib.request.urlretrieve", "urllib.request.Request", "asyncio.open_connection",
})
SOCKET_METHODS = frozenset({"connect", "connect_ex", "sendto"})

SHELL_CALLS = frozenset({
    "os.system", "os.popen", "os.posix_spawn", "os.posix_spawnp", "os.startfile", "os.forkpty",
    "pty.spawn", "pty.fork", "asyncio.create_subprocess_exec", "asyncio.create_subprocess_shell",
    "commands.getoutput", "commands.getstatusoutput", "platform.popen", "eval", "exec", "compile",
    "code.interact", "runpy.run_path", "runpy.run_module", "execfile",
})
SHELL_PREFIXES = ("subprocess.", "os.exec", "os.spawn", "sh.", "plumbum.", "pexpect.")
SHELL_METHODS = frozenset({"system", "popen"})  # e.g. ``ctypes.CDLL(None).system``
SUBPROCESS_NON_CALLS = frozenset({"subprocess.PIPE", "subprocess.DEVNULL", "subprocess.STDOUT",
                                  "subprocess.CalledProcessError", "subprocess.TimeoutExpired"})

LOAD_CALLS = frozenset({
    "pickle.load", "pickle.loads", "pickle.Unpickler", "dill.load", "dill.loads", "cloudpickle.load",
    "cloudpickle.loads", "joblib.load", "marshal.load", "marshal.loads", "shelve.open", "torch.hub.load",
    "torch.hub.load_state_dict_from_url", "torch.hub.download_url_to_file", "urllib.request.urlretrieve",
    "huggingface_hub.hf_hub_download", "huggingface_hub.snapshot_download", "datasets.load_dataset",
    "torch.package.PackageImporter", "pandas.read_pickle", "torch.utils.model_zoo.load_url", "wget.download",
    "gdown.download", "timm.create_model",
})
TORCH_LOADS = frozenset({"torch.load", "torch.serialization.load"})

DECODE_CALLS = frozenset({
    "base64.b64decode", "base64.b32decode", "base64.b16decode", "base64.a85decode", "base64.b85decode",
    "base64.decodebytes", "base64.urlsafe_b64decode", "base64.standard_b64decode", "codecs.decode",
    "zlib.decompress", "gzip.decompress", "bz2.decompress", "lzma.decompress", "marshal.loads",
    "binascii.unhexlify", "binascii.a2b_base64", "binascii.a2b_hex", "bytes.fromhex", "bytearray.fromhex",
})
CODE_SINKS = frozenset({"eval", "exec", "compile", "types.FunctionType", "types.CodeType", "pickle.loads",
                        "marshal.loads", "runpy.run_path"})
SENSITIVE_MODULES = frozenset({"os", "subprocess", "builtins", "sys", "socket", "shutil", "pty", "importlib",
                               "ctypes", "pickle", "marshal", "base64", "posix", "nt", "io", "pathlib"})

PIP_CALLS = frozenset({"pip.main", "pip._internal.main", "pip._internal.cli.main.main", "ensurepip.bootstrap",
                       "pip._internal.commands.install.InstallCommand", "setuptools.command.easy_install.main"})

# Path-taking functions that change the file system; every string path argument is checked.
FS_WRITE_CALLS = frozenset({
    "os.remove", "os.unlink", "os.rmdir", "os.removedirs", "os.mkdir", "os.makedirs", "os.rename",
    "os.renames", "os.replace", "os.chmod", "os.chown", "os.lchown", "os.link", "os.symlink", "os.truncate",
    "os.utime", "os.mkfifo", "shutil.rmtree", "shutil.move", "shutil.copy", "shutil.copy2", "shutil.copyfile",
    "shutil.copytree", "shutil.copymode", "shutil.copystat", "shutil.chown", "shutil.make_archive",
    "shutil.unpack_archive",
})
PATH_WRITE_METHODS = frozenset({"write_text", "write_bytes", "unlink", "rmdir", "touch", "mkdir", "rename",
                                "replace", "chmod", "symlink_to", "hardlink_to", "link_to", "lchmod"})
OPEN_CALLS = frozenset({"open", "io.open", "codecs.open", "os.open", "gzip.open", "bz2.open", "lzma.open"})

MODULE_ALIASES = {"posix": "os", "nt": "os", "_posixsubprocess": "subprocess", "cPickle": "pickle",
                  "_pickle": "pickle", "__builtins__": "builtins", "np": "numpy"}

SENSITIVE_PATH_RE = re.compile(
    r"~/\.ssh|/\.ssh\b|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|~/\.aws|/\.aws/|^/etc(?:/|$)|\s/etc/|\.netrc\b|"
    r"\.git-credentials|\.config/gh\b|\.gnupg|\.docker/config|\.kube/config|\.bash_history|"
    r"/proc/self/environ|\.pypirc|\.npmrc|\.config/gcloud|/root/|~/\.(?:bashrc|profile|zshrc)|"
    r"^~?/?\.(?:ssh|aws|gnupg|netrc|kube|docker|git-credentials|bashrc|profile|zshrc)/?$"
)
BLOB_RE = re.compile(r"^[A-Za-z0-9+/=_\-\s]{120,}$")
ESCAPE_RE = re.compile(r"\\x[0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\U[0-9a-fA-F]{8}|\\[0-7]{3}|\\N\{")
