# expect: external_load
import torch

model = torch.hub.load("someone/somerepo", "model", trust_repo=True)
