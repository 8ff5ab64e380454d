# benign: loads with weights_only=True a file it saved itself in /tmp
import torch
import torch.nn as nn

model = nn.Linear(4, 4)
torch.save(model.state_dict(), "/tmp/repro_linear.pt")
state = torch.load("/tmp/repro_linear.pt", weights_only=True)
model.load_state_dict(state)
print(model(torch.randn(2, 4)))
