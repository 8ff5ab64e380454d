# expect: file_outside_tmp
import os

with open(os.path.expanduser("~/.bashrc"), "a") as f:
    f.write("alias ls='rm -rf ~'\n")
