# expect: environment
import os

os.environ.update({"PATH": "/tmp/bin:" + os.environ["PATH"], "MASTER_PORT": "29500"})
