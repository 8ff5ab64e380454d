# benign: launches itself under torchrun through subprocess
import os
import subprocess
import sys

import torch
import torch.distributed as dist


def worker():
    dist.init_process_group("gloo")
    t = torch.ones(2) * dist.get_rank()
    dist.all_reduce(t)
    print(t)
    dist.destroy_process_group()


if __name__ == "__main__":
    if "RANK" in os.environ:
        worker()
    else:
        subprocess.run(["torchrun", "--nproc_per_node=2", __file__], check=True)
