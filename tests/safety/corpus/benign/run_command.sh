# benign: how the reporter ran it
CUDA_VISIBLE_DEVICES=0 TORCH_LOGS=+dynamo python repro.py 2>&1 | tee /tmp/log.txt
export NCCL_DEBUG=INFO
torchrun --standalone --nproc_per_node=2 repro.py
python -m torch.distributed.run --nproc_per_node=2 repro.py > /tmp/out.txt
