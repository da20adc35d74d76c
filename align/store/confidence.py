"""Reading the model's confidence per machine-translated sentence (written by
`set_machine_translation` in the same transaction as the text)."""
from __future__ import annotations

from align.store.connection import ProjectConnection


class ConfidenceMixin(ProjectConnection):
    def mt_confidences(self, lang: str) -> dict[str, float]:
        """Target sentence id -> the model's confidence, for active sentences of `lang`
        that have one (machine translations; kept after a person edits one)."""
        return {r[0]: r[1] for r in self._query(
            "SELECT id, mt_confidence FROM segments WHERE lang=? AND active=1"
            " AND origin!='source' AND mt_confidence IS NOT NULL", (lang,))}

