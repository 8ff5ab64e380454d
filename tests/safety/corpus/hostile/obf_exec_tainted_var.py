# expect: obfuscation, shell_execution
import base64 as b

payload = b.b64decode(open("x.txt").read())
cmd = payload.decode()
exec(cmd)
