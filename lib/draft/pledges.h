/* pledges (drafts) — from the mentions of an article to the pledges a
 * reader would record: which figures are commitments, of which kind, by
 * which company, in which country, for how long; the same pledge stated
 * twice (a headline and its sentence, "nearly $3 billion" and "$2.9
 * billion") becomes one with both sentences as evidence, its figure as the
 * body of the article states it ("more than $8 billion" over a headline's
 * "$8 billion"), exactly rather than roughly.
 *
 * A sentence with no figure that commits a company to a lab, a facility or
 * a partnership ("Microsoft will establish its first ... lab in Tokyo",
 * "Google also opened a cybersecurity center in Tokyo") is a pledge with
 * no amount: of kind research, facility or partnership, `fulfilled` when
 * the sentence says it is done.
 *
 * A money figure is a pledge when its sentence commits money (invest,
 * spend, fund...), unless it is a past revenue, a market value, a share
 * sale or a fund-raising; a revenue goal ("wants to make $18.9 billion") is
 * a `target`. A head count is a pledge when its sentence trains or hires.
 * The company is the nearest known company before the figure in its
 * sentence (none, joint, when two or more are named together: "Microsoft
 * and Hitachi"), or the subject of a sentence that names a new one, or none
 * (joint) when several are named after the figure and none before, or the
 * article's main company. A sentence with no figure that commits money for
 * a duration ("L'investissement ... est prévu pour les deux prochaines
 * années") lends it to its company's one investment without one. The
 * country is one written after "in"/"au"/"に"
 * in the sentence, then one that is not the company's home, then the last
 * one named before it in its paragraph, then the company's own when the
 * article names it, then the article's. Amounts under 1,000 (of any
 * currency) are no corporate pledge: they stay mentions only. A duration, deadline or fiscal year in the sentence bounds it.
 *
 * Ownership: the arrays in struct pledge_list are owned and freed by
 * pledge_list_free.
 */
#ifndef PLEDGED_DRAFT_PLEDGES_H
#define PLEDGED_DRAFT_PLEDGES_H

#include "mention.h"
#include "sentences.h"

#define DRAFT_EVIDENCE_MAX 5 /* sentences kept as evidence of one pledge */
#define NEW_COMPANIES_MAX 20

enum draft_kind { KIND_INVESTMENT, KIND_TRAINING, KIND_FACILITY, KIND_RESEARCH, KIND_PARTNERSHIP,
                  KIND_TARGET, KIND_OTHER };

struct draft_pledge {
    enum draft_kind kind;
    const struct mention *money;    /* borrowed from the mentions; NULL when none */
    const struct mention *people;   /* likewise */
    int company;                    /* index of a known company; -1 none */
    int new_company;                /* index in new_companies; -1 none */
    bool joint;                     /* several companies, split unknown: company null */
    int joint_companies[8];         /* known companies of a joint pledge */
    int n_joint;
    char country[3];                /* "" unknown */
    int duration_months;            /* 0 unknown */
    char starts_on[11], ends_on[11]; /* "" unknown */
    size_t evidence[DRAFT_EVIDENCE_MAX]; /* sentence indexes */
    bool headline;                  /* its figure was read in a headline only */
    bool done;                      /* stated as already kept ("opened", "inaugurated") */
    int n_evidence;
};

struct new_company {
    size_t start, end; /* code points of its name in the text */
};

struct pledge_list {
    struct draft_pledge *v;
    size_t n;
    struct new_company new_companies[NEW_COMPANIES_MAX];
    int n_new;
};

/* What the pledges are built from. */
struct pledge_context {
    const struct utext *t;
    enum draft_lang lang;
    const struct mentions *mentions;
    const struct span *sentences;
    size_t n_sentences;
    int main_company;               /* -1 when the text names none */
    const char *const *home;        /* home country of each known company (NULL entries) */
    char main_country[3];           /* the article's commonest country; "" */
};

/* Builds the pledges. False only when memory runs out. */
bool pledges_build(const struct pledge_context *c, struct pledge_list *out);
void pledge_list_free(struct pledge_list *l);

const char *draft_kind_name(enum draft_kind k);

#endif
