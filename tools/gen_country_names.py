#!/usr/bin/env python3
"""Writes lib/draft/country_names.c: the names by which news text in
English, French and Japanese names a country, for the draft recognisers.

The names and their French and Japanese translations come from Debian's
iso-codes package: iso_3166-1.json (name, common_name, official_name) and
its gettext catalogues /usr/share/locale/{fr,ja}/LC_MESSAGES/iso_3166-1.mo.
iso-codes has no demonyms ("Japanese", "japonais") and no abbreviations
("U.S.", "UK"), which news writes constantly; those few are listed in
EXTRA below, by hand, and say so in the output. Run it by hand when the
package updates; the output is committed so builds need no iso-codes.
   usage: tools/gen_country_names.py [ISO_JSON] [LOCALE_DIR] [OUT]"""
import gettext
import json
import sys
import unicodedata

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/iso-codes/json/iso_3166-1.json"
localedir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/locale"
out_path = sys.argv[3] if len(sys.argv) > 3 else "lib/draft/country_names.c"

# Flags, as lib/draft/countries.h defines them.
CAPITAL, EXACT, ANYCASE, CJK = 1, 2, 4, 8

# What iso-codes lacks: demonyms (English capitalised, French in any case)
# and the abbreviations and short names news uses. (code, text, flags)
EXTRA = [
    ("US", "U.S.", EXACT), ("US", "US", EXACT), ("US", "USA", EXACT), ("US", "America", CAPITAL),
    ("US", "the States", EXACT), ("GB", "UK", EXACT), ("GB", "U.K.", EXACT), ("GB", "Britain", CAPITAL),
    ("GB", "Great Britain", CAPITAL), ("GB", "England", CAPITAL), ("AE", "UAE", EXACT),
    ("KR", "Korea", CAPITAL), ("KR", "Corée", CAPITAL), ("CN", "mainland China", ANYCASE),
    ("US", "Etats-Unis", CAPITAL), ("US", "アメリカ", CJK), ("GB", "イギリス", CJK), ("KR", "韓国", CJK),
    ("US", "米", CJK),
]
DEMONYMS = {  # code: (English, [French forms])
    "JP": ("Japanese", ["japonais", "japonaise", "japonaises"]),
    "US": ("American", ["américain", "américaine", "américains", "américaines"]),
    "GB": ("British", ["britannique", "britanniques"]),
    "MY": ("Malaysian", ["malaisien", "malaisienne", "malaisiens", "malaisiennes"]),
    "IN": ("Indian", ["indien", "indienne", "indiens", "indiennes"]),
    "FR": ("French", ["français", "française", "françaises"]),
    "DE": ("German", ["allemand", "allemande", "allemands", "allemandes"]),
    "CN": ("Chinese", ["chinois", "chinoise", "chinoises"]),
    "KR": ("South Korean", ["sud-coréen", "sud-coréenne", "sud-coréens", "sud-coréennes"]),
    "TW": ("Taiwanese", ["taïwanais", "taïwanaise", "taïwanaises"]),
    "SG": ("Singaporean", ["singapourien", "singapourienne", "singapouriens"]),
    "ID": ("Indonesian", ["indonésien", "indonésienne", "indonésiens"]),
    "TH": ("Thai", ["thaïlandais", "thaïlandaise"]),
    "VN": ("Vietnamese", ["vietnamien", "vietnamienne", "vietnamiens"]),
    "PH": ("Filipino", ["philippin", "philippine", "philippins"]),
    "AU": ("Australian", ["australien", "australienne", "australiens"]),
    "CA": ("Canadian", ["canadien", "canadienne", "canadiens"]),
    "BR": ("Brazilian", ["brésilien", "brésilienne", "brésiliens"]),
    "SA": ("Saudi", ["saoudien", "saoudienne", "saoudiens"]),
    "AE": ("Emirati", ["émirien", "émirienne", "émiriens"]),
    "NL": ("Dutch", ["néerlandais", "néerlandaise"]),
    "CH": ("Swiss", ["suisse", "suisses"]),
    "SE": ("Swedish", ["suédois", "suédoise"]),
    "FI": ("Finnish", ["finlandais", "finlandaise"]),
    "IT": ("Italian", ["italien", "italienne", "italiens"]),
    "ES": ("Spanish", ["espagnol", "espagnole", "espagnols"]),
    "IE": ("Irish", ["irlandais", "irlandaise"]),
    "IL": ("Israeli", ["israélien", "israélienne", "israéliens"]),
    "MX": ("Mexican", ["mexicain", "mexicaine", "mexicains"]),
    "QA": ("Qatari", ["qatari", "qatarie", "qataris"]),
    "KE": ("Kenyan", ["kényan", "kényane", "kenyan"]),
    "NG": ("Nigerian", ["nigérian", "nigériane", "nigérians"]),
    "ZA": ("South African", ["sud-africain", "sud-africaine", "sud-africains"]),
    "PL": ("Polish", ["polonais", "polonaise"]),
    "NO": ("Norwegian", ["norvégien", "norvégienne"]),
    "DK": ("Danish", ["danois", "danoise"]),
    "BE": ("Belgian", ["belge", "belges"]),
    "AT": ("Austrian", ["autrichien", "autrichienne"]),
    "TR": ("Turkish", ["turc", "turque", "turcs"]),
    "EG": ("Egyptian", ["égyptien", "égyptienne"]),
    "NZ": ("New Zealand", ["néo-zélandais", "néo-zélandaise"]),
    "PT": ("Portuguese", ["portugais", "portugaise"]),
    "RU": ("Russian", ["russe", "russes"]),
    "UA": ("Ukrainian", ["ukrainien", "ukrainienne"]),
}
for code, (en, frs) in DEMONYMS.items():
    EXTRA.append((code, en, CAPITAL))
    for f in frs:
        EXTRA.append((code, f, ANYCASE))


def fold(s):
    """The fold lib/draft/utext.c applies: lower case, typographic
    apostrophes and dashes made ASCII."""
    s = s.replace("\u2019", "'").replace("\u2013", "-").replace("\u2011", "-")
    return unicodedata.normalize("NFC", s).lower()


def is_cjk(s):
    return any(0x3000 <= ord(c) <= 0x9FFF for c in s)


rows = json.load(open(src, encoding="utf-8"))["3166-1"]
tr = {lang: gettext.translation("iso_3166-1", localedir=localedir, languages=[lang]) for lang in ("fr", "ja")}
entries = {}


def add(code, text, flags):
    text = text.strip()
    if not text or ", " in text:  # "Korea, Republic of": the common name covers it
        return
    key = fold(text)
    if flags & EXACT:
        key = text  # matched as written, not folded
    old = entries.get(key)
    if old and old[0] != code:
        # One name for two codes ("Congo"?): keep neither, rather than guess.
        entries[key] = (None, text, flags)
        return
    entries[key] = (code, text, flags)


for r in rows:
    for field in ("name", "common_name", "official_name"):
        en = r.get(field)
        if not en:
            continue
        add(r["alpha_2"], en, CAPITAL)
        for lang, t in tr.items():
            name = t.gettext(en)
            if name == en and lang == "ja":
                continue  # untranslated
            # "大韓民国 (韓国)": both
            for part in name.replace("（", "(").replace("）", ")").replace(")", "").split("("):
                add(r["alpha_2"], part, CJK if is_cjk(part) else CAPITAL)
for code, text, flags in EXTRA:
    add(code, text, flags)

items = [(k, v) for k, v in entries.items() if v[0]]
items.sort(key=lambda kv: (ord(kv[0][0].lower()) if kv[1][2] & EXACT else ord(kv[0][0]), -len(kv[0]), kv[0]))
out = ["/* Generated by tools/gen_country_names.py from Debian's iso-codes",
       " * (iso_3166-1.json and its French and Japanese catalogues), plus the",
       " * demonyms and abbreviations iso-codes lacks, typed in that script.",
       " * %d names, sorted by their first folded code point, longest first." % len(items),
       " * Do not edit by hand. */",
       '#include "countries.h"', "",
       "const struct country_name country_names[] = {"]
for key, (code, text, flags) in items:
    pattern = text if flags & EXACT else key
    first = ord(pattern[0].lower()) if flags & EXACT else ord(pattern[0])
    esc = pattern.replace("\\", "\\\\").replace('"', '\\"')
    out.append('    {0x%04X, "%s", "%s", %d},' % (first, esc, code, flags))
out += ["};", "", "const size_t country_names_count = sizeof country_names / sizeof country_names[0];", ""]
open(out_path, "w", encoding="utf-8").write("\n".join(out))
print("%d names" % len(items), file=sys.stderr)
