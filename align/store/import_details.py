"""What an imported parallel file knew about its machine translations: the model's
confidence per unit (an export's x-mt-confidence / "confidence"), written back onto the
sentences an import created, so a re-imported export or a corpus document opened in the
reader shows the same confidences it was exported with."""
from __future__ import annotations

import json
from typing import Mapping, Sequence

from align.store.connection import ProjectConnection


class ImportDetailsMixin(ProjectConnection):
    def restore_mt_confidences(self, lang: str,
                               values: Mapping[Sequence[str], float]) -> int:
        """values: the source sentence ids of an active link of `lang` -> the model's
        confidence of its translation. Sets it on the link's target sentences that are
        machine translations no person changed (status mt); returns how many it set."""
        wanted = {tuple(k): v for k, v in values.items() if v is not None}
        if not wanted:
            return 0
        count = 0
        with self.transaction() as c:
            for row in c.execute("SELECT src_ids, tgt_ids FROM links WHERE lang=? AND active=1",
                                 (lang,)).fetchall():
                value = wanted.get(tuple(json.loads(row["src_ids"])))
                if value is None:
                    continue
                for tgt in json.loads(row["tgt_ids"]):
                    count += c.execute("UPDATE segments SET mt_confidence=? WHERE id=? AND lang=?"
                                       " AND active=1 AND status='mt' AND origin!='source'",
                                       (float(value), tgt, lang)).rowcount
        return count
