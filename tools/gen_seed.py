#!/usr/bin/env python3
"""Writes data/seed.jsonl, the sample data `pledged seed` loads, from the
five news articles the project began from (../shared/seeds).

Every figure is in an article, and every evidence quote is checked here to
appear verbatim in the article it cites. The articles' original URLs are
not in the seed files, so sources point at them under the reserved
.invalid domain (https://articles.pledged.invalid/<file>); an event an
article mentions in passing cites the passage with a fragment (#malaysia),
since one URL can be the source of only one announcement.

Format (also what `pledged import` reads): one JSON object per line; a
line {"company": {...}} creates a company, any other line is the body of
POST /v1/announcements. Run by hand: python3 tools/gen_seed.py [SEEDS_DIR]"""
import json
import os
import sys

SEEDS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../shared/seeds")
BASE = "https://articles.pledged.invalid/"
A000, A001, A002, A003, A004 = ("000_636a2d59e2286959", "001_878083ab4aabcf68", "002_3246ae01c6ab132f",
                                "003_b86e5324f885f914", "004_70276ec0de40ce49")
texts = {name: open(os.path.join(SEEDS, name + ".txt"), encoding="utf-8").read()
         for name in (A000, A001, A002, A003, A004)}


def url(article, fragment=None):
    return BASE + article + ("#" + fragment if fragment else "")


def ev(article, quote, fragment=None):
    assert quote in texts[article], "quote not in %s: %s" % (article, quote)
    return {"source": url(article, fragment), "quote": quote}


TITLES = {
    A000: ("Hitachi and Microsoft Announce Billion-Dollar AI Partnership", None, "en"),
    A001: ("Microsoft Announces $2.9 Billion Investment in Japan’s AI and Cloud Infrastructure", "W.Media", "en"),
    A002: ("Japan: Microsoft will invest nearly $3 billion to boost artificial intelligence", None, "en"),
    # The French article has no headline in the file: its first sentence stands for it.
    A003: ("Le géant américain de la technologie Microsoft a annoncé qu’il investira 2,9 milliards de dollars "
           "pour étendre son réseau d’infrastructure d’intelligence artificielle (IA) et ses services cloud "
           "au Japon", None, "fr"),
    A004: ("Microsoft in Japan: Investing in AI Skills to Boost Future", "AI Magazine", "en"),
}
for art, (title, _, _) in TITLES.items():
    assert title in texts[art], art


def source(article, fragment=None):
    title, publisher, lang = TITLES[article]
    s = {"url": url(article, fragment), "title": title, "language": lang}
    if publisher:
        s["publisher"] = publisher
    return s


companies = [
    {"slug": "microsoft", "name": "Microsoft", "country": "US", "website": "https://www.microsoft.com", "aliases": ["MSFT"]},
    {"slug": "hitachi", "name": "Hitachi", "country": "JP"},
    {"slug": "nvidia", "name": "Nvidia", "country": "US"},
    {"slug": "amazon", "name": "Amazon", "country": "US"},
    {"slug": "softbank-group", "name": "SoftBank Group", "country": "JP", "aliases": ["SoftBank"]},
    {"slug": "arm", "name": "Arm", "country": "GB"},
    {"slug": "google", "name": "Google", "country": "US"},
    {"slug": "tsmc", "name": "TSMC", "country": "TW", "aliases": ["Taiwan Semiconductor Manufacturing Company"]},
]

announcements = [
    {"title": "Microsoft to invest US$2.9 billion in AI and cloud infrastructure in Japan",
     "announced_on": "2024-04-09", "companies": ["microsoft"], "countries": ["JP"],
     "summary": "Microsoft's largest investment in its 46 years in Japan, announced during Prime Minister "
                "Fumio Kishida's state visit to Washington: hyperscale cloud and AI infrastructure over two "
                "years, AI skills for 3 million people over three years, a first Microsoft Research Asia lab "
                "in Tokyo, and cybersecurity cooperation with the Japanese government.",
     "sources": [source(A001), source(A002), source(A003), source(A004)],
     "pledges": [
         {"company": "microsoft", "kind": "investment", "country": "JP",
          "amount": {"currency": "USD", "value": "2900000000.00"}, "duration_months": 24,
          "description": "Hyperscale cloud computing and AI infrastructure in Japan: larger data centres in "
                         "Tokyo and Osaka and advanced GPUs for AI workloads",
          "evidence": [ev(A001, "Microsoft has announced a significant investment of US$2.9 billion over the next "
                                "two years to bolster its hyperscale cloud computing and AI infrastructure in Japan."),
                       ev(A003, "en agrandissant les installations de l’entreprise à Tokyo (centre) et à Osaka (ouest)")]},
         {"company": "microsoft", "kind": "training", "country": "JP", "people": 3000000, "duration_months": 36,
          "description": "AI skills for 3 million people in Japan over three years, through programmes for "
                         "organisations, women, developers and students",
          "evidence": [ev(A001, "Additionally, Microsoft plans to train 3 million individuals in Japan over the next three years")]},
         {"company": "microsoft", "kind": "research", "country": "JP",
          "description": "First Microsoft Research Asia lab in Tokyo, on embodied AI, societal AI and robotics",
          "evidence": [ev(A001, "Furthermore, Microsoft will establish its first Microsoft Research Asia lab in Tokyo, "
                                "focusing on key areas such as embodied AI, societal AI, and robotics")]},
         {"company": "microsoft", "kind": "partnership", "country": "JP",
          "description": "Cybersecurity cooperation with the Japanese government to strengthen the country's cyber defences",
          "evidence": [ev(A002, "Microsoft also intends to work with the Japanese government to strengthen the "
                                "country's cyber defenses")]},
     ]},
    {"title": "Hitachi and Microsoft announce a multibillion-dollar generative AI partnership",
     "announced_on": "2024-06-04", "companies": ["hitachi", "microsoft"], "countries": ["JP"],
     "summary": "A three-year partnership to speed up the adoption of generative AI: Microsoft Cloud, Azure "
                "OpenAI Service and GitHub Copilot in Hitachi's Lumada business. Hitachi also plans to train "
                "more than 50,000 generative-AI professionals and to spend 300 billion yen on generative AI in "
                "fiscal 2024. The article gives no day: 4 June 2024 is the date of the companies' joint "
                "statement that it quotes. The Lumada revenue goal is a target, not money committed.",
     "sources": [source(A000)],
     "pledges": [
         {"company": None, "kind": "partnership", "duration_months": 36,
          "description": "Multibillion-dollar three-year partnership: Microsoft Cloud, Azure OpenAI Service and "
                         "GitHub Copilot in Hitachi's Lumada business (the split is not given)",
          "evidence": [ev(A000, "Microsoft and Hitachi have announced a multibillion-dollar partnership to speed up "
                                "the adoption of generative AI."),
                       ev(A000, "as part of the three-year partnership, the Japanese conglomerate will add Microsoft "
                                "products like Microsoft Cloud and GitHub Copilot to Lumada")]},
         {"company": "hitachi", "kind": "training", "people": 50000, "people_qualifier": "at_least",
          "description": "Train more than 50,000 generative-AI professionals with GitHub Copilot and Azure OpenAI Service",
          "evidence": [ev(A000, "Hitachi also wants to use GitHub Copilot and Azure OpenAI Service to teach more than "
                                "50,000 generative AI professionals how to make advanced software.")]},
         {"company": "hitachi", "kind": "investment", "country": "JP",
          "amount": {"currency": "JPY", "value": "300000000000"},
          "starts_on": "2024-04-01", "ends_on": "2025-03-31",
          "description": "Spending on generative AI in fiscal 2024 (April 2024 to March 2025)",
          "evidence": [ev(A000, "the company will spend 300 billion yen ($1.92 billion) on generative AI in fiscal 2024")]},
         {"company": "hitachi", "kind": "target",
          "amount": {"currency": "USD", "value": "18900000000.00"},
          "starts_on": "2024-04-01", "ends_on": "2025-03-31",
          "description": "Lumada revenue target for the fiscal year from April 2024 (US$15 billion the year before)",
          "evidence": [ev(A000, "At the start of this fiscal year in April, Hitachi wants to make $18.9 billion from "
                                "its Lumada business.")]},
     ]},
    {"title": "Microsoft to invest US$2.2 billion in cloud and AI infrastructure in Malaysia",
     "announced_on": "2024-05-01", "announced_on_precision": "month", "companies": ["microsoft"], "countries": ["MY"],
     "summary": "Reported in passing by the article on the Hitachi and Microsoft partnership (June 2024), "
                "which dates it \"last month\".",
     "sources": [source(A000, "malaysia")],
     "pledges": [
         {"kind": "investment", "country": "MY", "amount": {"currency": "USD", "value": "2200000000.00"},
          "description": "Cloud and AI infrastructure in Malaysia",
          "evidence": [ev(A000, "The U.S. tech giant said last month that it would invest $2.2 billion in cloud and "
                                "AI infrastructure in Malaysia.", "malaysia")]}]},
    {"title": "Microsoft announces cloud and AI investment in Indonesia",
     "announced_on": "2024-01-01", "announced_on_precision": "year", "companies": ["microsoft"], "countries": ["ID"],
     "summary": "Mentioned by the article on the Hitachi and Microsoft partnership, which gives no amount and "
                "no date: only that it came before the Malaysia announcement of May 2024.",
     "sources": [source(A000, "indonesia")],
     "pledges": [
         {"kind": "investment", "country": "ID",
          "description": "Cloud and AI infrastructure in Indonesia (no amount in the article)",
          "evidence": [ev(A000, "This came after it said the same thing in Thailand and Indonesia.", "indonesia")]}]},
    {"title": "Microsoft announces cloud and AI investment in Thailand",
     "announced_on": "2024-01-01", "announced_on_precision": "year", "companies": ["microsoft"], "countries": ["TH"],
     "summary": "Mentioned by the article on the Hitachi and Microsoft partnership, which gives no amount and "
                "no date: only that it came before the Malaysia announcement of May 2024.",
     "sources": [source(A000, "thailand")],
     "pledges": [
         {"kind": "investment", "country": "TH",
          "description": "Cloud and AI infrastructure in Thailand (no amount in the article)",
          "evidence": [ev(A000, "This came after it said the same thing in Thailand and Indonesia.", "thailand")]}]},
    {"title": "US and Japanese universities launch AI research partnerships backed by US$110 million",
     "announced_on": "2024-04-09", "companies": ["microsoft", "nvidia", "amazon", "softbank-group", "arm"],
     "countries": ["US", "JP"],
     "summary": "Two AI research partnerships between universities in the United States and Japan, announced "
                "during Prime Minister Kishida's visit, funded jointly by private companies.",
     "sources": [source(A002, "university-partnerships")],
     "pledges": [
         {"company": None, "kind": "research", "amount": {"currency": "USD", "value": "110000000.00"},
          "description": "Funding for two US–Japan university AI research partnerships (the split between the "
                         "companies is not given)",
          "evidence": [ev(A002, "These partnerships will be supported to the tune of $110 million by private "
                                "companies, including Microsoft, Nvidia and Amazon, as well as the Japanese SoftBank "
                                "Group and its British subsidiary Arm.", "university-partnerships")]}]},
    {"title": "Hitachi and Google partner on generative AI",
     "announced_on": "2024-05-01", "announced_on_precision": "month", "companies": ["hitachi", "google"], "countries": ["JP"],
     "summary": "The article (June 2024) dates the partnership \"at the end of last month\", without the day.",
     "sources": [source(A000, "google")],
     "pledges": [
         {"company": "hitachi", "kind": "partnership",
          "description": "A Hitachi business unit to help businesses use Google's AI technology",
          "evidence": [ev(A000, "Hitachi would set up a business unit to help businesses use Google’s AI technology "
                                "to solve problems in their fields.", "google")]}]},
    {"title": "Google opens a cybersecurity centre of excellence in Tokyo",
     "announced_on": "2024-03-01", "announced_on_precision": "month", "companies": ["google"], "countries": ["JP"],
     "summary": "Opened \"last month\" in the article of April 2024, which gives no day.",
     "sources": [source(A002, "google")],
     "pledges": [
         {"kind": "facility", "country": "JP", "status": "fulfilled",
          "description": "Cybersecurity centre of excellence in Tokyo",
          "evidence": [ev(A002, "Google also opened a cybersecurity center of excellence in Tokyo last month.", "google")]}]},
    {"title": "TSMC inaugurates its first plant in Japan",
     "announced_on": "2024-02-01", "announced_on_precision": "month", "companies": ["tsmc"], "countries": ["JP"],
     "summary": "TSMC's first plant in Japan, in the south-west of the country, inaugurated in February 2024 "
                "(the article gives no day); the group has confirmed it intends to build a second on the site.",
     "sources": [source(A002, "tsmc")],
     "pledges": [
         {"kind": "facility", "country": "JP", "status": "fulfilled",
          "description": "First TSMC plant in Japan, in the south-west of the country",
          "evidence": [ev(A002, "A first mega-factory from the global giant in the sector, the Taiwanese TSMC, was "
                                "notably inaugurated in February in the south-west of Japan", "tsmc")]},
         {"kind": "facility", "country": "JP",
          "description": "A second TSMC plant on the same site",
          "evidence": [ev(A002, "the group has already confirmed that it intends to build a second on site.", "tsmc")]}]},
    {"title": "Microsoft opens an AI hub in London",
     "announced_on": "2024-04-01", "announced_on_precision": "month", "companies": ["microsoft"], "countries": ["GB"],
     "summary": "Announced \"just this week (April 2024)\", as AI Magazine reports it, without the day.",
     "sources": [source(A004, "london")],
     "pledges": [
         {"kind": "research", "country": "GB",
          "description": "AI hub in London to advance language models and tooling for foundation models",
          "evidence": [ev(A004, "The new AI hub in London aims to drive pioneering work to advance language models "
                                "and create world-class tooling for foundation models.", "london")]}]},
    {"title": "Microsoft commits to AI skills in India by 2025",
     "announced_on": "2024-01-01", "announced_on_precision": "year", "companies": ["microsoft"], "countries": ["IN"],
     "summary": "A \"recent\" commitment AI Magazine (April 2024) mentions as preceding the Japan one, with no "
                "date; the article says millions of people without an exact number.",
     "sources": [source(A004, "india")],
     "pledges": [
         {"kind": "training", "country": "IN", "ends_on": "2025-12-31",
          "description": "AI skills for millions of people in India by 2025 (no exact number in the article)",
          "evidence": [ev(A004, "This follows a recent similar commitment to teach millions in India about AI by 2025.", "india")]}]},
]

out = os.path.join(os.path.dirname(__file__), "..", "data", "seed.jsonl")
with open(out, "w", encoding="utf-8") as fh:
    for c in companies:
        fh.write(json.dumps({"company": c}, ensure_ascii=False, separators=(",", ":")) + "\n")
    for a in announcements:
        fh.write(json.dumps(a, ensure_ascii=False, separators=(",", ":")) + "\n")
print("wrote %s: %d companies, %d announcements, %d pledges" % (
    out, len(companies), len(announcements), sum(len(a["pledges"]) for a in announcements)))
