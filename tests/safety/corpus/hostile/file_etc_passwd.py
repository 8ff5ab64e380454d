# expect: file_outside_tmp
users = open("/etc/passwd").read().splitlines()
