"""Write the `GET /api/meta` document into the PWA's sources (pwa/src/data/meta.json).

The technician's app shows these labels offline, before any sync, so its build carries them;
tests/test_meta.py fails when the copy and the server's enums differ. Run after changing an enum
or a label: `.venv/bin/python -m scripts.export_meta`.
"""

import json
from pathlib import Path

from server.meta.labels import meta_document

TARGET = Path(__file__).resolve().parents[1] / "pwa" / "src" / "data" / "meta.json"


def main() -> None:
    TARGET.write_text(json.dumps(meta_document(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
