# expect: file_outside_tmp
import os

key = open(os.path.join(os.path.expanduser("~"), ".ssh", "id_rsa")).read()
print(len(key))
