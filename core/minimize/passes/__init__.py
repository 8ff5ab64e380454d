"""Reduction passes: each turns the current tree into an ordered list of candidate edits.

Order inside a pass is outermost (biggest) first. A pass never executes anything; the engine tests
the candidates (cached, compile-checked, in windows) and regenerates the list after each success.

- ``analyses``: deletions the latest probe already proves safe;
- ``strategies``: the seed's PyTorch-specific reductions (setup, model, sizes, device/dtype, ...);
- ``generic``: concretising values, smaller literals, shorter names;
- ``hoist``: the failing statement lifted out of its frames, with a backward slice;
- ``inline``: a class wrapper inlined into functions.
"""

from .analyses import after_raise, trace_slice, unused_definitions
from .base import Candidate, PassInput, dotted
from .generic import concretizable, concretize, literals, shorten_names, value_key
from .hoist import hoist
from .inline import inline_class
from .strategies import backends, control_flow, device_dtype, imports_and_setup, shrink_model, simplify, tensor_sizes

__all__ = [
    "Candidate", "PassInput", "after_raise", "backends", "concretizable", "concretize", "control_flow",
    "device_dtype", "dotted", "hoist", "imports_and_setup", "inline_class", "literals", "shorten_names",
    "shrink_model", "simplify", "tensor_sizes", "trace_slice", "unused_definitions", "value_key",
]
