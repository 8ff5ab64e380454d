# expect: external_load
import dill
import joblib as jl

a = jl.load("model.joblib")
b = dill.loads(open("blob.dill", "rb").read())
