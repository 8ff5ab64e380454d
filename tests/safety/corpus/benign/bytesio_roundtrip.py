# benign: in-memory save and load
import io

import torch

buf = io.BytesIO()
torch.save(torch.arange(3), buf)
buf.seek(0)
print(torch.load(buf, weights_only=True))
