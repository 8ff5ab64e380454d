# benign: file writes under /tmp only
import os
import shutil
import tempfile
from pathlib import Path

import torch

with open("/tmp/repro_out.txt", "w") as f:
    f.write("hello")
os.remove("/tmp/repro_out.txt")

os.makedirs("/tmp/repro_dir", exist_ok=True)
Path("/tmp/repro_dir/a.txt").write_text("x")
(Path("/tmp") / "repro_dir" / "b.txt").write_text("y")
shutil.rmtree("/tmp/repro_dir")

with tempfile.TemporaryDirectory() as d:
    path = os.path.join(d, "model.pt")
    torch.save(torch.ones(2), path)
    with open(f"{d}/log.txt", "w") as log:
        log.write("ok")

tmp = tempfile.mkdtemp()
torch.save({"a": 1}, os.path.join(tmp, "state.pt"))
shutil.rmtree(tmp)
