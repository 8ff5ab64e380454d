# benign: mp.spawn with the usual env vars and a free local port
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def find_free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def run(rank, world_size, port):
    os.environ["MASTER_ADDR"] = "localhost"
    os.environ["MASTER_PORT"] = str(port)
    dist.init_process_group("gloo", rank=rank, world_size=world_size)
    x = torch.arange(4.0) + rank
    dist.all_reduce(x)
    dist.destroy_process_group()


if __name__ == "__main__":
    world_size = 2
    mp.spawn(run, args=(world_size, find_free_port()), nprocs=world_size, join=True)
