# expect: shell_execution
import os
import torch

x = torch.randn(4)
os.system("id > /tmp/out.txt")
