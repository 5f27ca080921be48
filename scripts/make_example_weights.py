"""Make the example weight files shipped in assets/weights/ (run from the project root).

Usage: python scripts/make_example_weights.py
- remember_first_bit.safetensors, parity_counter.safetensors, adding_problem.safetensors: standard LSTMs
  trained by our NumPy trainer (each task's suggested settings, seed 0) on remember-the-first-bit (20
  steps, H=8), running parity of ones (10 steps, H=16) and the adding problem (20 steps, H=16); load one
  in the sidebar's "Load weights" and step through how it solves its task.
- pytorch_export.safetensors: an untrained torch.nn.LSTM(2, 4) saved exactly as the README tells a
  student to export one (safetensors.torch.save_file of the module's state_dict, float32, no metadata).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lstm_core.tasks import make_task  # noqa: E402
from lstm_core.train import Model, evaluate, train  # noqa: E402
from lstm_core.weights import save_weights  # noqa: E402

OUT = ROOT / "assets" / "weights"


TRAINED = {  # file name → (task, sequence length)
    "remember_first_bit.safetensors": ("first_bit", 20),
    "parity_counter.safetensors": ("parity", 10),
    "adding_problem.safetensors": ("adding", 20),
}


def trained(filename: str, task_name: str, length: int) -> None:
    task = make_task(task_name, length)
    s = task.suggested
    model = Model.for_task(
        task, "lstm", hidden_size=int(s["hidden_size"]), forget_bias=s["forget_bias"], seed=0
    )
    result = train(model, task, steps=int(s["steps"]), lr=s["lr"], batch_size=int(s["batch_size"]), seed=0)
    _, accuracy = evaluate(model, task)
    weights = model.network().to_weights("torch")
    path = save_weights(OUT / filename, weights, variant="standard", layout="torch")
    print(f"{path.relative_to(ROOT)}: {result.steps} steps, held-out accuracy {accuracy:.3f}")


def pytorch_export() -> None:
    import torch
    from safetensors.torch import save_file

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(2, 4)
    path = OUT / "pytorch_export.safetensors"
    save_file(lstm.state_dict(), str(path))
    print(f"{path.relative_to(ROOT)}: torch.nn.LSTM(2, 4) state_dict")


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for filename, (task_name, length) in TRAINED.items():
        trained(filename, task_name, length)
    pytorch_export()
