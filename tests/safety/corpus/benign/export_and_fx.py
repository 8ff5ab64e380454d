# benign: torch.export and FX, reading its own source
import torch
from torch import compile as tcompile


class Model(torch.nn.Module):
    def forward(self, x):
        return x.cos() * 2


ep = torch.export.export(Model(), (torch.randn(3),))
gm = torch.fx.symbolic_trace(Model())
print(ep.graph_module.code, gm.code)
print(tcompile(Model())(torch.randn(3)))
with open(__file__) as f:
    print(len(f.read()))
