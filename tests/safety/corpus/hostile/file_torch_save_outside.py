# expect: file_outside_tmp
import torch

torch.save(torch.ones(3), "/home/maintainer/.cache/torch/hub/checkpoints/resnet.pth")
