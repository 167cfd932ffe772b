/* app — the one process-wide `struct app` (see app.h). */
#include "app.h"

struct app g_app;
