# expect: external_load
from transformers import AutoModel

model = AutoModel.from_pretrained("someone/some-model")
