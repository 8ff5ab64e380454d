# expect: environment
import os as o

o.putenv("PYTHONPATH", "/home/attacker/lib")
