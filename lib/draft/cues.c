/* cues — word lists per language (see cues.h). Kept short and explicit:
 * every entry is a stem a reader would agree signals the cue. */
#include "cues.h"

#include <stdint.h>

static const char *const en[CUE_COUNT][40] = {
    [CUE_COMMIT] = {"invest", "spend", "spent", "pledg", "commit", "allocat", "fund", "inject",
                    "contribut", "earmark", "set aside", "to the tune of", "budget", "provid",
                    "pour", "put", "plough", "plow", "lend", "lent", "financ", "deploy", NULL},
    [CUE_REVENUE] = {"revenue", "sales", "turnover", "make $", "earn", "income", NULL},
    [CUE_GOAL] = {"want", "aim", "target", "goal", "seek", "hope", "expect", "plan", "forecast",
                  NULL},
    [CUE_NOT_PLEDGE] = {"market value", "market cap", "valuation", "valued at", "shares",
                        "stock", "profit", "population", "inhabitants", "residents", "which has",
                        "customers", "users", "raised", NULL},
    [CUE_TRAINING] = {"train", "teach", "skill", "upskill", "reskill", "educat", "equip",
                      "learn", "course", "programme", "program", "certif", NULL},
    [CUE_HIRING] = {"hire", "hiring", "recruit", "employ", "job", NULL},
    [CUE_RESEARCH] = {"research", "lab", "r&d", "scientif", "universit", NULL},
    [CUE_FACILITY] = {"data cent", "datacent", "plant", "factory", "fab ", "campus", "facility",
                      "facilities", "hub", "office", "headquarter", "centre", "center", NULL},
    [CUE_INFRA] = {"infrastructure", "cloud", "data cent", "datacent", "hyperscale", NULL},
    [CUE_PARTNERSHIP] = {"partnership", "alliance", "joint venture", "collaborat", "cooperat",
                         NULL},
    [CUE_ANNOUNCE] = {"announc", "said", "says", "unveil", "revealed", "pledged", "told",
                      "statement", NULL},
    [CUE_FUTURE] = {"will ", "plans to", "plan to", "intends to", "is to ", "aims to", "pledged to",
                    "committed to", "commits to", "is set to", "expects to", "would ", NULL},
    [CUE_DONE] = {"opened", "inaugurated", "has opened", "launched", "has launched", NULL},
};
static const char *const fr[CUE_COUNT][40] = {
    [CUE_COMMIT] = {"invest", "dépens", "consacr", "inject", "mobilis", "engag", "allou",
                    "financ", "débloqu", "apport", "à hauteur de", "enveloppe", "budget",
                    "prêt", "invest", NULL},
    [CUE_REVENUE] = {"chiffre d'affaires", "revenus", "ventes", "recettes", NULL},
    [CUE_GOAL] = {"vise", "viser", "objectif", "ambition", "souhait", "veut", "compte", "prévoit",
                  NULL},
    [CUE_NOT_PLEDGE] = {"capitalisation", "valoris", "actions", "bénéfice", "population",
                        "habitants", "clients", "utilisateurs", "levé", NULL},
    [CUE_TRAINING] = {"form", "compétence", "enseign", "éduqu", "éducat", "apprentissage",
                      NULL},
    [CUE_HIRING] = {"recrut", "embauch", "emploi", NULL},
    [CUE_RESEARCH] = {"recherche", "laboratoire", "r&d", "scientifique", "universit", NULL},
    [CUE_FACILITY] = {"centre de données", "centres de données", "usine", "campus", "site",
                      "siège", "centre", NULL},
    [CUE_INFRA] = {"infrastructure", "cloud", "centre de données", "centres de données", NULL},
    [CUE_PARTNERSHIP] = {"partenariat", "alliance", "coentreprise", "collabor", "coopér", NULL},
    [CUE_ANNOUNCE] = {"annonc", "dévoil", "déclar", "indiqu", "a précisé", "a affirmé",
                      "communiqué", NULL},
    [CUE_FUTURE] = {"va ", "vont ", "prévoit", "compte ", "entend ", "s'engage", "ouvrira",
                    "construira", "établira", "créera", "lancera", "investira", "a proposé", NULL},
    [CUE_DONE] = {"a ouvert", "a inauguré", "inauguré", "a lancé", NULL},
};
static const char *const ja[CUE_COUNT][40] = {
    [CUE_COMMIT] = {"投資", "投じ", "拠出", "出資", "支出", "予算", "充て", "計上", "融資",
                    "投入", "支援", NULL},
    [CUE_REVENUE] = {"売上", "売り上げ", "収益", "営業収益", NULL},
    [CUE_GOAL] = {"目指", "目標", "見込", "計画", NULL},
    [CUE_NOT_PLEDGE] = {"時価総額", "株価", "株式", "利益", "人口", "利用者", "顧客",
                        "調達", NULL},
    [CUE_TRAINING] = {"育成", "研修", "教育", "スキル", "訓練", "リスキリング", NULL},
    [CUE_HIRING] = {"採用", "雇用", NULL},
    [CUE_RESEARCH] = {"研究", "ラボ", NULL},
    [CUE_FACILITY] = {"データセンター", "工場", "拠点", "施設", "キャンパス", "センター", NULL},
    [CUE_INFRA] = {"インフラ", "クラウド", "データセンター", NULL},
    [CUE_PARTNERSHIP] = {"提携", "協業", "パートナーシップ", "合弁", "協力", NULL},
    [CUE_ANNOUNCE] = {"発表", "明らかに", "表明", NULL},
    [CUE_FUTURE] = {"予定", "計画", "方針", "する。", "します", NULL},
    [CUE_DONE] = {"開設した", "開所した", "稼働した", "開いた", NULL},
};

bool cue_in(const struct utext *t, struct span s, enum draft_lang lang, enum cue cue)
{
    return cue_at(t, s, lang, cue) != SIZE_MAX;
}

size_t cue_at(const struct utext *t, struct span s, enum draft_lang lang, enum cue cue)
{
    const char *const *list = lang == LANG_FR ? fr[cue] : lang == LANG_JA ? ja[cue] : en[cue];
    for (size_t i = s.start; i < s.end && i < t->n; i++) {
        if (lang != LANG_JA && (!ut_is_wordchar(t->norm[i]) || !ut_word_start(t, i)))
            continue;
        for (int k = 0; list[k]; k++) {
            size_t e = ut_match_at(t, i, list[k], false);
            if (e && e <= s.end)
                return i;
        }
    }
    return SIZE_MAX;
}
