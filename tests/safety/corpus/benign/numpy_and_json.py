# benign: numpy load without pickles, json to /tmp, urllib.parse
import json
from urllib.parse import urlparse

import numpy as np
import torch

np.save("/tmp/arr.npy", np.arange(4))
arr = np.load("/tmp/arr.npy")
json.dump({"n": int(arr.sum())}, open("/tmp/result.json", "w"))
print(urlparse("https://pytorch.org/docs").netloc, torch.from_numpy(arr))
