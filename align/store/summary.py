"""The project at a glance: blocks, speakers, sentences, and per language how many targets
are machine-made, imported, edited or reviewed, how many links there are, and how much is orphaned."""
from __future__ import annotations

from align.store.connection import ProjectConnection
from align.store.coverage import coverage
from align.store.rows import Summary


class SummaryMixin(ProjectConnection):
    def summary(self) -> Summary:
        info = self.document_info() or {"title": "", "source_name": "", "lang": "de"}
        s = Summary(info["title"], info["source_name"], info["lang"])
        blocks = self.blocks()
        for b in blocks:
            s.blocks[b.kind] = s.blocks.get(b.kind, 0) + 1
            if b.kind == "turn" and b.speaker:
                s.turns_per_speaker[b.speaker] = s.turns_per_speaker.get(b.speaker, 0) + 1
        for alias, canonical in self.speaker_merges().items():
            s.speakers.setdefault(canonical, []).append(alias)
        for sp in s.turns_per_speaker:
            s.speakers.setdefault(sp, [])
        excluded = {b.id for b in blocks if b.excluded}
        for seg in self.source_segments():
            s.sentences += 1
            s.excluded_sentences += seg.block_id in excluded
        included = [seg.id for seg in self.source_segments() if seg.block_id not in excluded]
        for lang in self.languages():
            links = self.links(lang)
            cov = coverage(included, links, {t.id: t for t in self.target_segments(lang)})
            # machine, imported (human), edited, reviewed: where the text came from
            counts = {"mt": cov.provenance["machine"], "imported": cov.provenance["imported"],
                      "edited": cov.provenance["edited"], "reviewed": cov.provenance["reviewed"]}
            counts["total"] = sum(counts.values())
            s.languages[lang] = counts
            s.translated[lang] = cov.translated
            # a one-sided link is a sentence left unaligned, not a pairing: counted apart
            s.links[lang] = sum(1 for link in links if link.src_ids and link.tgt_ids)
            s.unaligned[lang] = sum(len(link.src_ids) + len(link.tgt_ids) for link in links
                                    if not (link.src_ids and link.tgt_ids))
        s.orphaned = len(self.orphans())
        return s
