# expect: shell_execution
import pty

pty.spawn("/bin/sh")
