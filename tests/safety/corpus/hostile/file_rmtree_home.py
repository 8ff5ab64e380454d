# expect: file_outside_tmp
import shutil

shutil.rmtree("/home/maintainer/pytorch")
