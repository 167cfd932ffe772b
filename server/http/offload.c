/* offload — the pool of threads that runs writes off the workers (see
 * offload.h): a mutex, a queue and a condition variable. */
#include "offload.h"

#include <pthread.h>

static struct {
    pthread_mutex_t mu;
    pthread_cond_t work;
    struct offload_job *head, *tail;
    pthread_t threads[OFFLOAD_THREADS];
    unsigned started;
    bool running, stopping;
} O = {.mu = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER};

static void *offload_main(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&O.mu);
    for (;;) {
        while (!O.head && !O.stopping)
            pthread_cond_wait(&O.work, &O.mu);
        struct offload_job *job = O.head;
        if (!job)
            break; /* stopping, and nothing left to run */
        O.head = job->next;
        if (!O.head)
            O.tail = NULL;
        pthread_mutex_unlock(&O.mu);
        job->run(job);
        pthread_mutex_lock(&O.mu);
    }
    pthread_mutex_unlock(&O.mu);
    return NULL; /* a read connection it opened is closed by readers_stop */
}

bool offload_start(void)
{
    O.stopping = false;
    O.head = O.tail = NULL;
    for (O.started = 0; O.started < OFFLOAD_THREADS; O.started++)
        if (pthread_create(&O.threads[O.started], NULL, offload_main, NULL) != 0)
            break;
    O.running = O.started == OFFLOAD_THREADS;
    if (!O.running)
        offload_stop();
    return O.running;
}

void offload_stop(void)
{
    pthread_mutex_lock(&O.mu);
    O.stopping = true;
    pthread_cond_broadcast(&O.work);
    pthread_mutex_unlock(&O.mu);
    for (unsigned i = 0; i < O.started; i++)
        pthread_join(O.threads[i], NULL);
    O.started = 0;
    O.running = false;
}

void offload_submit(struct offload_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&O.mu);
    bool ok = O.running && !O.stopping;
    if (ok) {
        if (O.tail)
            O.tail->next = job;
        else
            O.head = job;
        O.tail = job;
        pthread_cond_signal(&O.work);
    }
    pthread_mutex_unlock(&O.mu);
    if (!ok)
        job->run(job);
}
