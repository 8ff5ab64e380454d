# expect: environment
export LD_LIBRARY_PATH=/home/me/evil
torchrun --nproc_per_node=1 repro.py
