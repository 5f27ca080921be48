"""Make the example weight files shipped in assets/weights/ (run from the project root).

Usage: python scripts/make_example_weights.py
- remember_first_bit.safetensors: a standard LSTM (H=8) trained by our NumPy trainer to remember the
  first bit for 20 steps; load it in the sidebar's "Load weights" and step through how it remembers.
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


def trained_first_bit() -> None:
    task = make_task("first_bit", 20)
    s = task.suggested
    model = Model.for_task(
        task, "lstm", hidden_size=int(s["hidden_size"]), forget_bias=s["forget_bias"], seed=0
    )
    result = train(model, task, steps=int(s["steps"]), lr=s["lr"], batch_size=int(s["batch_size"]), seed=0)
    _, accuracy = evaluate(model, task)
    path = save_weights(
        OUT / "remember_first_bit.safetensors",
        model.network().to_weights("torch"),
        variant="standard",
        layout="torch",
    )
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
    trained_first_bit()
    pytorch_export()
