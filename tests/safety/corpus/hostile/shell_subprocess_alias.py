# expect: shell_execution
import subprocess as sp

print(sp.check_output(["id"]))
