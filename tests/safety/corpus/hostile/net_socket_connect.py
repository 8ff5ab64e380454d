# expect: network
import socket

s = socket.socket()
s.connect(("203.0.113.5", 4444))
s.sendall(b"hello")
