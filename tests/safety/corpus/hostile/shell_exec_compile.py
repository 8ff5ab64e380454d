# expect: shell_execution
src = "print('hi')"
code = compile(src, "<string>", "exec")
exec(code)
