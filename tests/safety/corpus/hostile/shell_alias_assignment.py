# expect: shell_execution
import os

run = os.popen
print(run("uname -a").read())
