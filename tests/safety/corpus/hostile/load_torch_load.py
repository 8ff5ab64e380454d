# expect: external_load
import torch

state = torch.load("downloaded_checkpoint.pt")
