# benign: torchrun command built with an f-string
import subprocess

nproc = 2
subprocess.run(f"torchrun --nproc_per_node={nproc} repro.py", shell=True, check=True)
