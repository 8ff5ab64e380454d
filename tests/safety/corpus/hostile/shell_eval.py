# expect: shell_execution
import torch

expr = "torch.ones(2) * 3"
print(eval(expr))
