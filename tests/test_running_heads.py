"""Running page heads that OCR left inside sentences (align/alignment/running_heads.py)."""
from pathlib import Path

from align.alignment.running_heads import find_running_heads, strip_running_heads

DEV = Path(__file__).parent / "data" / "align-dev"


def _dev(name: str) -> list[str]:
    return [line.strip() for line in (DEV / name).read_text(encoding="utf-8").splitlines()]


def _paged(sentences: list[str], head: str, number_first: bool = False, every: int = 2500) -> list[str]:
    """The head and its page number put inside the sentence at each page break, as OCR leaves it."""
    out, done, page, next_break = [], 0, 17, every // 3
    for text in sentences:
        if done + len(text) > next_break:
            words = text.split()
            mark = f"{page} {head}" if number_first else f"{head} {page}"
            if len(words) > 1:
                text = " ".join(words[:len(words) // 2] + [mark] + words[len(words) // 2:])
            else:  # no spaces (Chinese): the line break OCR read as one
                text = f"{text[:len(text) // 2]} {mark} {text[len(text) // 2:]}"
            page, next_break = page + 1, next_break + every
        done += len(text)
        out.append(text)
    return out


def test_a_running_head_is_found_and_taken_out():
    clean = _dev("dev.de")[20:]  # after the one head the dev text kept ("... 2 Die Alpen - 1957 - Les Alpes 17 ...")
    paged = _paged(clean, "2 Die Alpen - 1957 - Les Alpes")
    assert sum(a != b for a, b in zip(paged, clean)) >= 15
    assert [h[:2] for h in find_running_heads(paged)] == [("before", ("2", "Die", "Alpen", "-", "1957", "-", "Les", "Alpes"))]
    assert strip_running_heads(paged) == clean


def test_a_page_number_may_come_first():
    clean = _dev("dev.fr")
    paged = _paged(clean, "Chronique himalayenne", number_first=True)
    assert [h[:2] for h in find_running_heads(paged)] == [("after", ("Chronique", "himalayenne"))]
    assert strip_running_heads(paged) == clean


def test_a_head_without_spaces_is_found_too():
    clean = [f"第{k}句话说的是山上的事情，他们一起走了{k + 3}里路才到达营地。" for k in range(400)]
    paged = _paged(clean, "喜马拉雅纪事")
    assert [h[:2] for h in find_running_heads(paged)] == [("before", ("喜马拉雅纪事",))]
    # the spaces OCR put around the head stay (only anchor tokens are read from the result)
    assert [s.replace(" ", "") for s in strip_running_heads(paged)] == clean


def test_citations_titles_and_lists_of_years_are_not_heads():
    # The dev texts cite "Les Alpes 1956 , p. 80 ... p. 82 ... p. 83" and list first ascents
    # "première ascension en 1928 ... 1929 ...": rising numbers, but not a page apart each and
    # not through the whole text.
    for name in ("dev.de", "dev.fr"):
        text = _dev(name)
        assert find_running_heads(text) == []
        assert strip_running_heads(text) == text
    # a title repeated without page numbers, and a head seen on two pages only
    title = ["Himalaya-Chronik 1956"] + _dev("dev.de")[:100] + ["Himalaya-Chronik 1956"]
    assert find_running_heads(title) == []
    two = _paged(_dev("dev.de")[:45], "Die Alpen - 1957 - Les Alpes")
    assert 1 <= sum(a != b for a, b in zip(two, _dev("dev.de"))) <= 2
    assert find_running_heads(two) == []


def test_numbered_headings_are_not_heads():
    # A law: every article opens with its number, long articles between ("Art. 3 Der Bund ...").
    body = _dev("dev.de")[20:]
    law, k = [], 1
    for n, sentence in enumerate(body):
        if n % 20 == 0:
            law.append(f"Art. {k} {sentence}")
            k += 1
        else:
            law.append(sentence)
    assert find_running_heads(law) == []


def test_figure_references_keep_their_numbers():
    # "( Bild 3 )" rises through an illustrated article, page after page: but it is no title,
    # and both sides refer to the same figure, so the number is an anchor worth keeping.
    body = _dev("dev.de")[20:]
    figures = [f"{s} ( Bild {n // 25 + 1} )" if n % 25 == 10 else s for n, s in enumerate(body)]
    assert sum(a != b for a, b in zip(figures, body)) >= 15
    assert find_running_heads(figures) == []


def test_only_numbers_in_the_heads_page_range_are_cut():
    clean = _dev("dev.de")[20:]
    paged = _paged(clean, "Die Alpen - 1957 - Les Alpes")
    [head] = find_running_heads(paged)
    assert head[2:] == (17, 17 + sum(a != b for a, b in zip(paged, clean)) - 1)
    cited = "Die Alpen - 1957 - Les Alpes 1956 , S. 83 , berichten über Zermatt ."  # a citation, not a page
    assert strip_running_heads(paged + [cited])[-1] == cited
