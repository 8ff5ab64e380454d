# benign: a small training loop with getattr on torch and a model
import torch
import torch.nn.functional as F

dtype_name = "float32"
dtype = getattr(torch, dtype_name)
model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1)).to(dtype)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(3):
    x = torch.randn(16, 3, dtype=dtype)
    loss = F.mse_loss(model(x), torch.zeros(16, 1, dtype=dtype))
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, loss.item(), getattr(model[0], "weight").shape)
