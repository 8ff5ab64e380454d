# expect: shell_execution
import os
print "hello"
os.system("id")
