# benign: a colour escape and binary bytes are not obfuscation
import torch

print("\x1b[31mred\x1b[0m")
raw = b"\x00\x01\x02\x03\x04\xff\xfe"
t = torch.frombuffer(bytearray(raw), dtype=torch.uint8)
print(t, "\u2713 done")
