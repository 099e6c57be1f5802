"""A jax training loop over neos_swift's pipeline: the loss and its gradient come from the native library through
a ``jax.custom_vjp`` (``neos_swift.jax.pipeline_loss``), the update is plain jax.

Run: python examples/jax_training_loop.py [--quick]   (prints one JSON line: the loss at each step)
"""

import argparse
import json

import jax
import jax.numpy as jnp
import neos_swift.jax as neos_jax
from neos_swift.neos import Trainer

parser = argparse.ArgumentParser(description=__doc__)
parser.add_argument("--quick", action="store_true", help="short settings: a small network, 3 steps")
arguments = parser.parse_args()
steps = 3 if arguments.quick else 20

# The built-in Gaussian blobs; a small network so that each step takes milliseconds.
trainer = Trainer({"hidden": [32], "points_per_blob": 2000, "batch_size": 500, "seed": 1})
events = {name: trainer.events(name, split="train") for name in trainer.event_sets}


def loss(parameters):
    return neos_jax.pipeline_loss(trainer, parameters, events)


value_and_grad = jax.jit(jax.value_and_grad(loss))
parameters = jnp.asarray(trainer.parameters)
learning_rate = 1e-3
losses = []
for _ in range(steps):
    value, gradient = value_and_grad(parameters)
    losses.append(float(value))
    parameters = parameters - learning_rate * gradient / (jnp.linalg.norm(gradient) + 1e-12)

print(json.dumps({"losses": losses, "final_loss": float(loss(parameters))}))
