# benign: python -m torch.distributed.run with sys.executable, command in a variable
import subprocess
import sys

cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "train.py"]
subprocess.check_call(cmd)
