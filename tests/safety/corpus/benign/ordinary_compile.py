# benign: ordinary torch.compile repro
import torch
import torch._dynamo


class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(8, 8)

    def forward(self, x):
        return torch.relu(self.lin(x)).sum(dim=-1)


m = M().eval()
compiled = torch.compile(m, backend="aot_eager", fullgraph=True)
x = torch.randn(4, 8)
with torch.no_grad():
    torch.testing.assert_close(compiled(x), m(x))
torch._dynamo.reset()
