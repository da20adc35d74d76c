"""Sentence splitting: table-driven hard cases for German, English and Chinese, and the interview."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from align.text.sentences import split_sentences

GOLD = Path(__file__).resolve().parent / "fixtures" / "interview_gold.json"

# Each case: text -> the sentences a careful reader gets (exact strings).
GERMAN = [
    ('Am frühen Morgen des 19. Januar (Pekinger Zeit) wurde er interviewt. Es heißt, dies sei gut.',
     ['Am frühen Morgen des 19. Januar (Pekinger Zeit) wurde er interviewt.', 'Es heißt, dies sei gut.']),
    ('Am 11. Dezember 2016 verkauften wir Waren. Das ist es.',
     ['Am 11. Dezember 2016 verkauften wir Waren.', 'Das ist es.']),
    ('Alibaba hat 45.000 Mitarbeiter. Wir können nicht 1 Million Leute einstellen.',
     ['Alibaba hat 45.000 Mitarbeiter.', 'Wir können nicht 1 Million Leute einstellen.']),
    ('Sie gaben 14,2 Billionen Dollar aus. Es stieg um mehr als 100 %. Wo ist das Geld?',
     ['Sie gaben 14,2 Billionen Dollar aus.', 'Es stieg um mehr als 100 %.', 'Wo ist das Geld?']),
    ('Von China Mobile, China Unicom usw. Ihre Marktkapitalisierung stieg.',
     ['Von China Mobile, China Unicom usw.', 'Ihre Marktkapitalisierung stieg.']),
    ('Arbeitsplätze an Mexiko, China usw. Darf ich meine Meinung äußern?',
     ['Arbeitsplätze an Mexiko, China usw.', 'Darf ich meine Meinung äußern?']),
    ('China sollte offen, selbstbewusst usw. sein. Die Worte gaben Zuversicht.',
     ['China sollte offen, selbstbewusst usw. sein.', 'Die Worte gaben Zuversicht.']),
    ('Es sind eBay, Amazon, Google usw. aufgetaucht, was gut ist.',
     ['Es sind eBay, Amazon, Google usw. aufgetaucht, was gut ist.']),
    ('Ich sagte: „Ich weiß nicht, worüber ich reden soll.“ Einige Tage später ging ich hin.',
     ['Ich sagte: „Ich weiß nicht, worüber ich reden soll.“', 'Einige Tage später ging ich hin.']),
    ('Sie sagen: „Jack Ma, du bist großartig!“ Ich weiß, es ist nicht toll.',
     ['Sie sagen: „Jack Ma, du bist großartig!“', 'Ich weiß, es ist nicht toll.']),
    ('Ein Buch mit dem Titel „Die Welt ist flach“ von Thomas Friedman. Gut.',
     ['Ein Buch mit dem Titel „Die Welt ist flach“ von Thomas Friedman.', 'Gut.']),
    ('Wenn wir uns öffnen können … (aber nicht vollständig?), sagte ich das.',
     ['Wenn wir uns öffnen können … (aber nicht vollständig?), sagte ich das.']),
    ('Die Beziehungen … Sorkin fragte zunächst nach dem Treffen.',
     ['Die Beziehungen …', 'Sorkin fragte zunächst nach dem Treffen.']),
    ('Heute ist Lehrertag. Wenn Sie an Ihre Studienzeit...',
     ['Heute ist Lehrertag.', 'Wenn Sie an Ihre Studienzeit...']),
    ('Als Gewinner des Bai+-Plans von Baijiahao hat er gewonnen. Danke.',
     ['Als Gewinner des Bai+-Plans von Baijiahao hat er gewonnen.', 'Danke.']),
    ('Es gibt z. B. Äpfel und Birnen. Dr. Müller kam auch.',
     ['Es gibt z. B. Äpfel und Birnen.', 'Dr. Müller kam auch.']),
    ('Es gibt z.B. Äpfel. Prof. Dr. Schmidt bzw. Herr Nr. 5 kam ca. 3 Std. später.',
     ['Es gibt z.B. Äpfel.', 'Prof. Dr. Schmidt bzw. Herr Nr. 5 kam ca. 3 Std. später.']),
    ('Wir nennen dies 310. Sesame Credit kann mehr.',
     ['Wir nennen dies 310.', 'Sesame Credit kann mehr.']),
    ('Er wurde am 3. Mai 1990 geboren. Das ist d. h. lange her.',
     ['Er wurde am 3. Mai 1990 geboren.', 'Das ist d. h. lange her.']),
    ('Ist er vorbei? Nein. Ich bin überzeugt: Wenn der Handel endet, ist es schlimm.',
     ['Ist er vorbei?', 'Nein.', 'Ich bin überzeugt: Wenn der Handel endet, ist es schlimm.']),
    ('Von 60.000 Unternehmen kontrolliert; Vor 100 Jahren von Königen.',
     ['Von 60.000 Unternehmen kontrolliert; Vor 100 Jahren von Königen.']),
    ('Wir bedienen kleine Unternehmen. „Ich möchte an einem Strand sterben.“',
     ['Wir bedienen kleine Unternehmen.', '„Ich möchte an einem Strand sterben.“']),
    ('Das war im 2. Weltkrieg. Der 1. FC Köln gewann.',
     ['Das war im 2. Weltkrieg.', 'Der 1. FC Köln gewann.']),
    ('Das geschah im 20. Jahrhundert. Danach kam mehr.',
     ['Das geschah im 20. Jahrhundert.', 'Danach kam mehr.']),
    ('Er schrieb Thomas L. Friedman an. Der antwortete.',
     ['Er schrieb Thomas L. Friedman an.', 'Der antwortete.']),
    ('Es kostet 5 Mio. Euro bzw. 2 Mrd. Yuan. Teuer.',
     ['Es kostet 5 Mio. Euro bzw. 2 Mrd. Yuan.', 'Teuer.']),
    ('Siehe S. 12 bzw. vgl. Abs. 3. Das ist u. a. wichtig.',
     ['Siehe S. 12 bzw. vgl. Abs. 3.', 'Das ist u. a. wichtig.']),
    ('Er kam ggf. später, evtl. mit Anhang inkl. Bildern. Gut.',
     ['Er kam ggf. später, evtl. mit Anhang inkl. Bildern.', 'Gut.']),
    ('Er kam um 14.30 Uhr. Dann ging er.',
     ['Er kam um 14.30 Uhr.', 'Dann ging er.']),
    ('Schreiben Sie an info@example.com. Danke.',
     ['Schreiben Sie an info@example.com.', 'Danke.']),
    ('Wir zählen bis 100. Dann ist Schluss.',
     ['Wir zählen bis 100.', 'Dann ist Schluss.']),
    ('Was? Wirklich! Ja.',
     ['Was?', 'Wirklich!', 'Ja.']),
    ('Er sagte: »Nein.« Dann ging er.',
     ['Er sagte: »Nein.«', 'Dann ging er.']),
]

ENGLISH = [
    ('Mr. Smith went to Washington. He met Dr. Jones.',
     ['Mr. Smith went to Washington.', 'He met Dr. Jones.']),
    ('The U.S. economy grew. It grew by 3.5 percent in 2016.',
     ['The U.S. economy grew.', 'It grew by 3.5 percent in 2016.']),
    ('Alibaba has 45,000 employees. We cannot hire 1 million people.',
     ['Alibaba has 45,000 employees.', 'We cannot hire 1 million people.']),
    ('He said: "I am not ready." A few days later I went.',
     ['He said: "I am not ready."', 'A few days later I went.']),
    ('He said, “I am not ready.” A few days later I went.',
     ['He said, “I am not ready.”', 'A few days later I went.']),
    ('Companies like Microsoft, Cisco, IBM, etc. made money. Where did it go?',
     ['Companies like Microsoft, Cisco, IBM, etc. made money.', 'Where did it go?']),
    ('Is it over? No. I am convinced: trade matters.',
     ['Is it over?', 'No.', 'I am convinced: trade matters.']),
    ('We met at 9 a.m. on Jan. 19. Then we talked.',
     ['We met at 9 a.m. on Jan. 19.', 'Then we talked.']),
    ('It was e.g. good. It was i.e. fine.',
     ['It was e.g. good.', 'It was i.e. fine.']),
    ('Wait... what happened? Nothing.',
     ['Wait... what happened?', 'Nothing.']),
    ('See p. 5 of vol. 2 for details. Thanks!',
     ['See p. 5 of vol. 2 for details.', 'Thanks!']),
    ('Mrs. Brown and Ms. White met St. John at 5 Main St. on Monday. They talked.',
     ['Mrs. Brown and Ms. White met St. John at 5 Main St. on Monday.', 'They talked.']),
    ('J. K. Rowling wrote it. She is British.',
     ['J. K. Rowling wrote it.', 'She is British.']),
    ('He has a Ph.D. from Harvard. He works at Alibaba Inc. in China.',
     ['He has a Ph.D. from Harvard.', 'He works at Alibaba Inc. in China.']),
    ('The U.K. and the U.S. agreed. Trade grew.',
     ['The U.K. and the U.S. agreed.', 'Trade grew.']),
    ('It is No. 1 in China. Really?',
     ['It is No. 1 in China.', 'Really?']),
    ('We spent $14.2 trillion on 13 wars. What if it went to infrastructure?',
     ['We spent $14.2 trillion on 13 wars.', 'What if it went to infrastructure?']),
    ('It grew by more than 100%. Where did the money go?',
     ['It grew by more than 100%.', 'Where did the money go?']),
    ("'Stop!' he said. Then he left.",
     ["'Stop!' he said.", 'Then he left.']),
]

CHINESE = [
    ('我们不招人。阿里巴巴有4.5万名员工！你觉得呢？',
     ['我们不招人。', '阿里巴巴有4.5万名员工！', '你觉得呢？']),
    ('他说：“我还没准备好。”几天后我去了。',
     ['他说：“我还没准备好。”', '几天后我去了。']),
    ('他说：「我不知道。」然后走了。',
     ['他说：「我不知道。」', '然后走了。']),
    ('这个……我不知道……好吧。',
     ['这个……', '我不知道……', '好吧。']),
    ('真的吗？！太好了！',
     ['真的吗？！', '太好了！']),
    ('Jack Ma说：全球化是好事。WTO规则不是中国制定的。',
     ['Jack Ma说：全球化是好事。', 'WTO规则不是中国制定的。']),
    ('这是一支笔。 那是一本书。',
     ['这是一支笔。', '那是一本书。']),
    ('增长了3.5%。很好!',
     ['增长了3.5%。', '很好!']),
]
GERMAN += [
    ("Das war im 2. Weltkrieg.\n\nNeuer Absatz ohne Punkt\n\nUnd noch einer.",
     ["Das war im 2. Weltkrieg.", "Neuer Absatz ohne Punkt", "Und noch einer."]),
    ("Eine Zeile, die\nweitergeht. Zweiter Satz.", ["Eine Zeile, die weitergeht.", "Zweiter Satz."]),
    ("1. Punkt eins. 2. Punkt zwei.", ["1. Punkt eins.", "2. Punkt zwei."]),
]
CHINESE += [
    ("美国花了14.2万亿美元。3个月后，情况变了。", ["美国花了14.2万亿美元。", "3个月后，情况变了。"]),
    ("第一，我们要开放。第二，要自信!真的?是的.", ["第一，我们要开放。", "第二，要自信!", "真的?", "是的."]),
    ("这是《三体》。“好。”", ["这是《三体》。", "“好。”"]),
    ("他说：\n“我们走吧。”", ["他说：“我们走吧。”"]),
]


@pytest.mark.parametrize("text, expected", GERMAN, ids=[t[:40] for t, _ in GERMAN])
def test_german(text, expected):
    assert split_sentences(text, "de") == expected


@pytest.mark.parametrize("text, expected", ENGLISH, ids=[t[:40] for t, _ in ENGLISH])
def test_english(text, expected):
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize("text, expected", CHINESE, ids=[t[:20] for t, _ in CHINESE])
def test_chinese(text, expected):
    assert split_sentences(text, "zh") == expected


@pytest.mark.parametrize("text, lang, expected", [
    ("Il est arrivé. Puis il est parti ! Et alors ?", "fr",
     ["Il est arrivé.", "Puis il est parti !", "Et alors ?"]),
    ("M. Dupont est arrivé. Il a dit bonjour.", "fr", ["M. Dupont est arrivé.", "Il a dit bonjour."]),
    ("¿Qué pasa? Nada. Todo bien.", "es", ["¿Qué pasa?", "Nada.", "Todo bien."]),
    ("Das ist gut. Sehr gut.", "de-AT", ["Das ist gut.", "Sehr gut."]),
    ("好。很好。", "zh-Hans", ["好。", "很好。"]),
    ("これはペンです。あれは本です！", "ja", ["これはペンです。", "あれは本です！"]),
    ("Hello world. This is it.", "xx", ["Hello world.", "This is it."]),
])
def test_other_languages_and_codes(text, lang, expected):
    assert split_sentences(text, lang) == expected


@pytest.mark.parametrize("text", ["", "   ", "\n\n \n"])
def test_empty_text_has_no_sentences(text):
    assert split_sentences(text, "de") == []


def _gold_units():
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    return [b["sentences"] for b in gold["blocks"]
            if b["kind"] in ("turn", "narration") or (b["kind"] == "boilerplate" and len(b["sentences"]) == 1)]


@pytest.mark.parametrize("sentences", _gold_units(), ids=lambda s: s[0][:30])
def test_interview_blocks_split_as_the_gold(sentences):
    """Every turn of the interview, joined, splits back into its hand-checked sentences."""
    assert split_sentences(" ".join(sentences), "de") == sentences
