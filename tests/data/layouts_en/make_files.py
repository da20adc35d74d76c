"""Writes the English translations in this folder and their gold files from one source, so
that each file's text and its gold cannot drift apart. Run from the repository root:

    python tests/data/layouts_en/make_files.py

A document is a list of lines; a line is a list of pieces joined by a space: a plain string
is text that is no sentence (a speaker label, a timestamp), a pair is (English sentence,
[the German sentences of tests/data/layouts/NAME.txt it translates]); [] means added by the
translator. German sentences the translation leaves out are simply not named.
"""
from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent

PODIUM = [
    [("Panel discussion \u201cWater in the City\u201d", ["Podiumsdiskussion \u201eWasser in der Stadt\u201c"])],
    [],
    ["Moderator:", ("Good evening and a warm welcome to the town hall.", ["Guten Abend und herzlich willkommen im Rathaus."]),
     ("Tonight we are talking about water.", ["Heute sprechen wir über Wasser, genauer gesagt über Hitze, Starkregen und die Frage, wie eine Stadt mit beidem fertig wird."]),
     ("More precisely, about heat, heavy rain and how a city can cope with both.", ["Heute sprechen wir über Wasser, genauer gesagt über Hitze, Starkregen und die Frage, wie eine Stadt mit beidem fertig wird."]),
     ("On the panel I welcome Prof. Dr. Anna Keller of the University of Kassel and Dr. Jonas Brandt, head of the civil engineering office.", ["Auf dem Podium begrüße ich Prof. Dr. Anna Keller von der Universität Kassel und Dr. Jonas Brandt, den Leiter des Tiefbauamts."]),
     ("Ms Keller, where do we stand?", ["Frau Keller, wo stehen wir?"])],
    [],
    ["Prof. Anna Keller:", ("Honestly, still pretty much at the beginning.", ["Ehrlich gesagt, noch ziemlich am Anfang."]),
     ("Most sewer networks in Germany were planned in the 19th century or in the years after the war, when people reckoned with quite different amounts of rain.", ["Die meisten Kanalnetze in Deutschland wurden im 19. Jahrhundert bzw. in den Jahren nach dem Krieg geplant.", "Damals rechnete man mit ganz anderen Regenmengen."]),
     ("Today a thunderstorm can bring 40 litres per square metre in one hour, for example.", ["Heute fallen bei einem Gewitter z. B. 40 Liter pro Quadratmeter in einer Stunde."])],
    [],
    ["Moderator:", ("Mr Brandt, is that your experience too?", ["Herr Brandt, ist das auch Ihre Erfahrung?"])],
    [],
    ["Dr. Jonas Brandt:", ("Yes, unfortunately.", ["Ja, leider."]),
     ("In the summer of 2021, around 300 cellars were flooded here.", ["Im Sommer 2021 standen bei uns ca. 300 Keller unter Wasser."]),
     ("So we lowered kerbs and dug new swales, among other things.", ["Wir haben daraufhin u. a. die Bordsteine abgesenkt und neue Mulden angelegt."]),
     ("It costs money, but it works.", ["Das kostet Geld, aber es wirkt."])],
    [],
    [("(Applause)", ["(Applaus)"])],
    [],
    ["Moderator:", ("How much money exactly?", ["Wie viel Geld genau?"])],
    [],
    ["Dr. Jonas Brandt:", ("About 1.8 million euros for the first district.", ["Für das erste Viertel rund 1,8 Mio. Euro."])],
    [],
    ["Prof. Anna Keller:", ("May I add something briefly?", ["Darf ich kurz ergänzen?"]),
     ("After the storm of 2 July 2011, Copenhagen drew up a complete plan.", ["In Kopenhagen hat man nach dem Unwetter vom 2. Juli 2011 einen ganzen Plan aufgestellt."]),
     ("Since then the city has been building squares that are allowed to fill up in heavy rain.", ["Die Stadt baut seither Plätze, die sich bei Starkregen füllen dürfen."]),
     ("That is cheaper than any new sewer.", ["Das ist billiger als jeder neue Kanal."])],
    [],
    ["Moderator:", ("We have time for one question from the audience.", ["Wir haben noch Zeit für eine Frage aus dem Publikum."]),
     ("Yes, the lady in the third row.", ["Bitte, die Dame in der dritten Reihe."])],
    [],
    ["Audience member:", ("Thank you.", ["Danke."]),
     ("I live at 14 Gartenstraße and have had water in the house three times.", ["Ich wohne in der Gartenstraße Nr. 14 und hatte dreimal Wasser im Haus."]),
     ("Who actually pays for that?", ["Wer bezahlt mir das eigentlich?"]),
     ("It is not a small sum.", [])],
    [],
    ["Dr. Jonas Brandt:", ("That depends on the individual case.", ["Das kommt auf den Einzelfall an."]),
     ("Do come and see me after the event and we will look into it.", ["Kommen Sie nach der Veranstaltung gern zu mir, dann schauen wir uns das an."])],
    [],
    ["Moderator:", ("Many thanks to our guests and to all of you for listening.", ["Vielen Dank an unsere Gäste und an Sie alle fürs Zuhören."])],
]

ARTICLE = [
    [("The Return of the Night Trains", ["Die Rückkehr der Nachtzüge"])],
    [],
    [("For a long time night trains were seen as a thing of the past.", ["Lange galten Nachtzüge als Auslaufmodell."]),
     ("Deutsche Bahn ended its last own services in December 2016.", ["Die Deutsche Bahn stellte ihre letzten eigenen Verbindungen im Dezember 2016 ein."]),
     ("Today sleeper cars run again from Vienna and Zurich to Hamburg, Amsterdam and Rome.", ["Heute fahren wieder Schlafwagen von Wien bzw. Zürich nach Hamburg, Amsterdam und Rom, betrieben u. a. von den Österreichischen Bundesbahnen."]),
     ("They are operated by Austrian Federal Railways, among others.", ["Heute fahren wieder Schlafwagen von Wien bzw. Zürich nach Hamburg, Amsterdam und Rom, betrieben u. a. von den Österreichischen Bundesbahnen."])],
    [],
    [("The important thing: anyone who wants to travel in summer has to book early.", ["Wichtig ist: Wer im Sommer fahren will, muss früh buchen."]),
     ("The couchettes are often sold out three months ahead.", ["Die Liegewagen sind oft schon drei Monate vorher ausverkauft."])],
    [],
    [("Dr. Lea Haas of the University of St. Gallen explains why.", ["Warum das so ist, erklärt Dr. Lea Haas von der Universität St. Gallen."]),
     ("\u201cDemand has risen sharply. Many travellers want to stop flying,\u201d she says.", ["\u201eDie Nachfrage ist stark gestiegen. Viele Reisende wollen aufs Fliegen verzichten\u201c, sagt sie."]),
     ("By her figures, passenger numbers rose by about 40% between 2019 and 2023.\u00b9", ["Nach ihren Zahlen stieg die Zahl der Fahrgäste zwischen 2019 und 2023 um ca. 40 %.\u00b9"]),
     ("That is more than the operators had expected.", ["Das ist mehr, als die Betreiber erwartet hatten."])],
    [],
    [("The problem: there are too few carriages.", ["Das Problem: Es gibt zu wenige Wagen."]),
     ("New trains cost several million euros, and the manufacturers are often late in delivering.", ["Neue Züge kosten mehrere Mio. Euro, und die Hersteller liefern oft mit Verspätung."]),
     ("One way out: old carriages are being converted, e.g. at the works in Simmering.", ["Ein Ausweg: Alte Wagen werden umgebaut, z. B. im Werk in Simmering."])],
    [],
    [("Prices are an issue too.", ["Auch die Preise sind ein Thema."]),
     ("A compartment for two on the Vienna\u2013Hamburg route costs up to 1,200 euros.", ["Ein Abteil für zwei Personen kostet auf der Strecke Wien\u2013Hamburg bis zu 1.200 Euro."]),
     ("That is more than a flight \u2026 and still the trains are full.", ["Das ist mehr als ein Flug \u2026 und trotzdem sind die Züge voll."]),
     ("Travellers seem happy to pay for the experience.", [])],
    [],
    [("The problem: the rail networks are often closed at night for construction work, so a train leaving at 10.30 pm sometimes does not arrive until midday.", ["Das Problem: Die Schienennetze sind nachts oft gesperrt, weil dann gebaut wird.", "Ein Zug, der um 22.30 Uhr abfährt, kommt deshalb manchmal erst mittags an."])],
    [],
    [("Note: the winter timetables will be available from 15 October at www.nachtzug-beispiel.at.", ["Hinweis: Die Fahrpläne für den Winter stehen ab dem 15. Oktober unter www.nachtzug-beispiel.at bereit."])],
    [],
    [("\u00b9 Own calculation based on figures from the University of St. Gallen, as of March 2024.", ["\u00b9 Eigene Berechnung nach Zahlen der Universität St. Gallen, Stand: März 2024."])],
]

SCREENPLAY = [
    [("KITCHEN \u2013 EVENING", ["KÜCHE \u2013 ABEND"])],
    [],
    [("Marie is standing at the stove.", ["Marie steht am Herd."]),
     ("Jonas comes in, still wearing his jacket.", ["Jonas kommt herein, die Jacke noch an."])],
    [],
    ["JONAS"],
    [("Smells good.", ["Riecht gut."]), ("What is it?", ["Was gibt es?"])],
    [],
    ["MARIE"],
    [("Lentil soup.", ["Linsensuppe."]), ("Like every Thursday.", ["Wie jeden Donnerstag."])],
    [],
    ["JONAS"],
    [("(sits down)", ["(setzt sich)"])],
    [("I talked to Dr. Berger today.", ["Ich hab heute mit Frau Dr. Berger gesprochen."]),
     ("She thinks we should try again.", ["Sie meint, wir sollten es noch einmal versuchen."])],
    [],
    ["MARIE"],
    [("Again?", ["Noch einmal?"]), ("Jonas, we've tried three times.", ["Jonas, wir haben es dreimal versucht."])],
    [("I can't do this any more.", ["Ich kann das nicht mehr."])],
    [],
    ["JONAS"],
    [("I know, I know it's hard.", ["Ich weiß.", "Ich weiß, dass es schwer ist."])],
    [],
    [("Marie turns to the window.", ["Marie dreht sich zum Fenster."])],
    [],
    ["MARIE"],
    [("Do you remember when we moved in here?", ["Weißt du noch, wie wir hier eingezogen sind?"]),
     ("On the first of April.", ["Am 1. April, und keiner hat uns geglaubt, dass wir es ernst meinen."]),
     ("And nobody believed we were serious.", ["Am 1. April, und keiner hat uns geglaubt, dass wir es ernst meinen."])],
    [],
    ["JONAS"],
    [("(smiling)", ["(lächelt)"])],
    [("Your father bet we wouldn't last two months.", ["Dein Vater hat gewettet, dass wir keine zwei Monate durchhalten."])],
    [],
    ["MARIE"],
    [("And now it's been eleven years.", ["Und jetzt sind es elf Jahre."]), ("Eleven.", [])],
    [],
    [("She puts two plates on the table.", ["Sie stellt zwei Teller auf den Tisch."]),
     ("Jonas finally takes off his jacket.", ["Jonas zieht endlich die Jacke aus."])],
]

PLENARY = [
    [("Plenary record, 87th sitting", ["Plenarprotokoll, 87. Sitzung"])],
    [],
    ["President Dr. Elke Sommer:"],
    [("I call item 12 on the agenda.", ["Ich rufe den Tagesordnungspunkt 12 auf."]),
     ("The floor goes to our colleague Petra Lang.", ["Das Wort hat die Kollegin Petra Lang."])],
    [],
    ["Petra Lang (SPD):"],
    [("Madam President!", ["Frau Präsidentin!"]), ("Ladies and gentlemen!", ["Meine Damen und Herren!"]),
     ("Today we are talking about care.", ["Wir reden heute über die Pflege, und zwar über die Menschen, die sie jeden Tag leisten."]),
     ("More precisely, about the people who provide it every day.", ["Wir reden heute über die Pflege, und zwar über die Menschen, die sie jeden Tag leisten."]),
     ("In Germany around 4.2 million people are cared for at home, most of them by their relatives.", ["In Deutschland werden rund 4,2 Mio. Menschen zu Hause versorgt, die meisten von ihren Angehörigen."])],
    [],
    [("(Applause from the SPD)", ["(Beifall bei der SPD)"])],
    [],
    [("These relatives need more than warm words; they need time, money and reliable relief.", ["Diese Angehörigen brauchen mehr als warme Worte.", "Sie brauchen Zeit, Geld und verlässliche Entlastung."])],
    [],
    [("(Interjection from the CDU/CSU: And who is going to pay for that?)", ["(Zuruf von der CDU/CSU: Und wer soll das bezahlen?)"])],
    [],
    [("I am happy to tell you: all of us, as with every other task that matters to us.", ["Das sage ich Ihnen gern: Wir alle, so wie bei jeder anderen Aufgabe, die uns wichtig ist."])],
    [],
    [("(Applause from the SPD and BÜNDNIS 90/DIE GRÜNEN)", ["(Beifall bei der SPD und dem BÜNDNIS 90/DIE GRÜNEN)"])],
    [],
    ["President Dr. Elke Sommer:"],
    [("Thank you.", ["Vielen Dank."]), ("The next speaker is Markus Feld for the CDU/CSU group.", ["Nächster Redner ist Markus Feld für die CDU/CSU-Fraktion."])],
    [],
    ["Markus Feld (CDU/CSU):"],
    [("Madam President!", ["Frau Präsidentin!"]), ("Dear colleagues!", ["Liebe Kolleginnen und Kollegen!"]),
     ("No one in this House disputes that family carers achieve great things.", ["Niemand in diesem Haus bestreitet, dass pflegende Angehörige Großes leisten."]),
     ("Even so, the contribution rate is already 3.4% today.", ["Der Beitragssatz liegt heute schon bei 3,4 %."])],
    [],
    [("(Applause from the CDU/CSU)", ["(Beifall bei der CDU/CSU)"])],
    [],
    ["President Dr. Elke Sommer:"],
    [("I close the debate.", ["Ich schließe die Aussprache."])],
]

CHAT = [
    ["[12.03.24, 18:02:11] Anna Schulz:", ("Hi everyone!", ["Hallo zusammen!"]), ("Who's coming to clear up the community garden on Saturday?", ["Wer kommt am Samstag zum Aufräumen in den Gemeinschaftsgarten?"])],
    ["[12.03.24, 18:05:40] Ben Okafor:", ("I'm in.", ["Ich bin dabei."]), ("Shall I bring the wheelbarrow?", ["Soll ich die Schubkarre mitbringen?"])],
    ["[12.03.24, 18:06:02] Anna Schulz:", ("Yes, please.", ["Ja, gern."]), ("We'll meet at the gate at 10.", ["Wir treffen uns um 10 Uhr am Tor."])],
    ["[12.03.24, 18:20:17] Carla Vogel:", ("I'll be a bit later, around 11.", ["Ich komme etwas später, ca. 11 Uhr."]), ("I have to go to the market first.", ["Vorher muss ich noch zum Markt."])],
    ["[12.03.24, 18:21:45] Ben Okafor:", ("No problem, bring some bread rolls \U0001F60A", ["Kein Problem.", "Bring doch Brötchen mit \U0001F60A"])],
    ["[12.03.24, 18:22:03] Carla Vogel:", ("Will do.", ["Mach ich."]), ("How many of us are there?", ["Wie viele Leute sind wir?"])],
    ["[12.03.24, 18:30:59] Anna Schulz:", ("Six so far.", ["Bisher sechs."]), ("Dr. Hahn from number 12 has said yes too.", ["Dr. Hahn aus Nr. 12 hat auch zugesagt."]), ("He's bringing his hedge trimmer.", ["Er bringt seine Heckenschere mit."])],
    ["[12.03.24, 18:31:30] Ben Okafor:", ("Great.", ["Super."]), ("Then we'll finally get the hedge done.", ["Dann schaffen wir die Hecke endlich."])],
    ["[12.03.24, 19:45:12] Carla Vogel:", ("One more question: what do we do with the green waste?", ["Noch eine Frage: Was machen wir mit dem Grünschnitt?"])],
    ["[12.03.24, 19:47:08] Anna Schulz:", ("It goes in the containers on the corner.", ["Der kommt in die Container an der Ecke."]), ("The city collects them on Monday, i.e. 18 March.", ["Die Stadt holt sie am Montag, d. h. am 18. März, ab."])],
    ["[12.03.24, 19:48:33] Carla Vogel:", ("Perfect, thanks!", ["Perfekt, danke!"])],
]


def unlabelled(doc):
    """The same translation as running text without speaker labels (a plain string at the
    start of a line is a label or timestamp; a label alone on its line goes with it)."""
    out = []
    for line in doc:
        pieces = [p for p in line if not isinstance(p, str)]
        if pieces or not line:
            out.append(pieces)
    return out


def lines_between(doc, first: int, last: int | None):
    return doc[first:last]


DOCUMENTS = {
    # name: (German text, document)
    "podium_caps.en": ("podium_caps.txt", PODIUM),
    "article_prose.en": ("article_prose.txt", ARTICLE),
    "screenplay.en": ("screenplay.txt", SCREENPLAY),
    "heldout_plenary.en": ("heldout_plenary.txt", PLENARY),
    "fresh_messenger_export.en": ("fresh_messenger_export.txt", CHAT),
    # partial: only the first third; abridged: a middle stretch left out (no labels)
    "podium_caps.partial.en": ("podium_caps.txt", unlabelled(PODIUM[:8])),
    "podium_caps.abridged.en": ("podium_caps.txt", unlabelled(PODIUM[:8] + PODIUM[18:])),
    "article_prose.partial.en": ("article_prose.txt", ARTICLE[:6]),
    "article_prose.abridged.en": ("article_prose.txt", ARTICLE[:6] + ARTICLE[12:]),
}


def render(doc) -> tuple[str, list[dict]]:
    text_lines, gold = [], []
    for line in doc:
        text_lines.append(" ".join(p if isinstance(p, str) else p[0] for p in line))
        gold.extend({"en": p[0], "de": p[1]} for p in line if not isinstance(p, str))
    text = "\n".join(text_lines).strip("\n") + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text, gold


def main() -> None:
    for name, (german, doc) in DOCUMENTS.items():
        text, gold = render(doc)
        (HERE / f"{name}.txt").write_text(text, encoding="utf-8")
        (HERE / f"{name}.gold.json").write_text(
            json.dumps({"text": f"{name}.txt", "german": german, "sentences": gold},
                       ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
