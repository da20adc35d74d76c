#!/bin/sh
# Rebuild the test documents in this folder from the hand-written sources in src/ with the
# tools a real user's files come from: pandoc, LibreOffice (soffice) and Calibre
# (ebook-convert), as packaged by Debian 12. Run from anywhere: sh tests/data/formats/make.sh
# The outputs are committed; rerunning with other tool versions gives slightly different
# bytes (the golds in gold/ are what the readers must find, whatever the bytes).
set -eu
cd "$(dirname "$0")"
S=src
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
for L in de en; do
  # DOCX and HTML of the interview: pandoc from Markdown (bold speaker labels, headings).
  pandoc "$S/interview.$L.md" -o "interview.$L.docx"
  # A saved web page: navigation, an advertisement and an author-bio footer around the article.
  pandoc -s "$S/interview.$L.md" --include-before-body "$S/nav.html" \
         --include-after-body "$S/footer.html" -o "interview.$L.html"
  # The same page as pandoc writes it alone: no <article>, no navigation.
  pandoc -s "$S/interview.$L.md" -o "interview-plain.$L.html"
  # ODT and PDF of the interview: LibreOffice from pandoc's DOCX.
  soffice --headless --convert-to odt --outdir . "interview.$L.docx" >/dev/null
  soffice --headless --convert-to pdf --outdir . "interview.$L.docx" >/dev/null
  # ODT with speaker labels in bold paragraphs of their own: pandoc, then LibreOffice.
  pandoc "$S/interview-labels.$L.md" -o "$T/interview-labels.$L.docx"
  soffice --headless --convert-to odt --outdir . "$T/interview-labels.$L.docx" >/dev/null
  # The interview as an EPUB 3 by pandoc (its title page is front matter, epub:type titlepage).
  pandoc "$S/interview.$L.md" -o "interview.$L.epub"
  # The story as an EPUB: pandoc HTML, then Calibre (which adds a cover/title page).
  pandoc -s "$S/story.$L.md" -o "$T/story.$L.html"
  ebook-convert "$T/story.$L.html" "story.$L.epub" --level1-toc //h:h1 \
      --language "$L" --title "$(sed -n 's/^title: //p' "$S/story.$L.md")" \
      --authors "bitext tests" >/dev/null
  # The story as a PDF with a running head, page numbers, a footnote and words hyphenated
  # at line ends (soft hyphens): LibreOffice from a flat ODT.
  case $L in de) C=DE; TITLE="Der Leuchtturm";; en) C=GB; TITLE="The Lighthouse";; esac
  sed -e "s/@LANG@/$L/" -e "s/@COUNTRY@/$C/" -e "s/@TITLE@/$TITLE/" \
      -e "/@BODY@/{r $S/story.$L.fodt.body" -e "d}" "$S/story.fodt.in" > "$T/story.$L.fodt"
  soffice --headless --convert-to pdf --outdir . "$T/story.$L.fodt" >/dev/null
  # Markdown and subtitles are hand-written (any editor makes the same bytes).
  cp "$S/interview.$L.md" "$S/interview.$L.srt" "$S/interview.$L.vtt" .
done
# Files that must be refused: the story as a password-protected PDF (password "geheim"),
# and a PDF with a drawing but no text (as a scanned page has none).
sed -e "s/@LANG@/de/" -e "s/@COUNTRY@/DE/" -e "s/@TITLE@/Der Leuchtturm/" \
    -e "/@BODY@/{r $S/story.de.fodt.body" -e "d}" "$S/story.fodt.in" > "$T/encrypted.fodt"
soffice --headless --convert-to 'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},"DocumentOpenPassword":{"type":"string","value":"geheim"}}' \
    --outdir . "$T/encrypted.fodt" >/dev/null
soffice --headless --convert-to pdf --outdir . "$S/scanned.fodt" >/dev/null
