# expect: package_install
!pip install some-package==1.0
import torch
print(torch.ones(1))
