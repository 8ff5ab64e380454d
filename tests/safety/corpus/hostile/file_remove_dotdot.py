# expect: file_outside_tmp
import os

os.remove("../../important.db")
