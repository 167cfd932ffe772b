/* cues — the words around a figure that say what it is: a commitment
 * ("will invest", "investira", "投資する"), a revenue goal ("wants to make
 * $18.9 billion from Lumada"), a figure that is no pledge (market value,
 * population), and the kind of a pledge (training, research, facility,
 * partnership). Word stems, matched at the start of a word in English and
 * French ("invest" finds "investing" and "investment"), anywhere in
 * Japanese.
 */
#ifndef PLEDGED_DRAFT_CUES_H
#define PLEDGED_DRAFT_CUES_H

#include "number.h"
#include "sentences.h"

enum cue {
    CUE_COMMIT,      /* invest, spend, pledge, fund, 投資 */
    CUE_REVENUE,     /* revenue, sales, chiffre d'affaires, 売上 */
    CUE_GOAL,        /* wants to, aims, target, goal, vise, 目指す */
    CUE_NOT_PLEDGE,  /* market value, capitalisation, shares, profit, population, 人口 */
    CUE_TRAINING,    /* train, teach, skills, former, 育成 */
    CUE_HIRING,      /* hire, jobs, recruit, emplois, 採用 */
    CUE_RESEARCH,    /* research, lab, R&D, recherche, 研究 */
    CUE_FACILITY,    /* data centre, plant, factory, campus, usine, 工場 */
    CUE_INFRA,       /* infrastructure, cloud, data centre: investment, not research */
    CUE_PARTNERSHIP, /* partnership, alliance, partenariat, 提携 */
    CUE_ANNOUNCE,    /* announced, said, unveiled, annoncé, 発表 */
    CUE_FUTURE,      /* will, plans to, intends to, va, prévoit, 予定: a commitment to come */
    CUE_DONE,        /* opened, inaugurated, a ouvert, 開設した: one already kept */
    CUE_COUNT
};

/* Whether a cue's words occur in [s.start, s.end) of t. */
bool cue_in(const struct utext *t, struct span s, enum draft_lang lang, enum cue cue);

/* Where the cue's first word in [s.start, s.end) begins, or SIZE_MAX. */
size_t cue_at(const struct utext *t, struct span s, enum draft_lang lang, enum cue cue);

#endif
