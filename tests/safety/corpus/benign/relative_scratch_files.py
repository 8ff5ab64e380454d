# benign: relative paths land in the runner's scratch directory
import torch

torch.save(torch.ones(3), "checkpoint.pt")
print(torch.load("checkpoint.pt", weights_only=True))
with open("output.log", "w") as f:
    f.write("done")
