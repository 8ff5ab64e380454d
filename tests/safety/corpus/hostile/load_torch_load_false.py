# expect: external_load
import torch

state = torch.load("/tmp/model.pt", weights_only=False)
