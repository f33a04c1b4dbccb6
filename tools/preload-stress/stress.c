// The preload stress program (issue 13): a C program that knows nothing of lockprof. 8 threads
// for SECONDS: 6 mix pthread_mutex lock/trylock/timedlock and pthread_rwlock rd/wr (plain, try and
// timed) on one mutex and one rwlock; a producer and a consumer hand items over one slot under a
// condition mutex. Every wait is bounded: a timed lock or condition wait that times out is a lost
// wake-up or a deadlock, and the program exits 1 naming it. It prints its exact counts:
//     mutex-acquisitions N, rwlock-acquisitions N, rwlock-reads N, condition-mutex-acquisitions N,
//     condition-waits N, condition-signals N, handoffs N
// Usage: stress SECONDS      (tools/stress runs it for 60 s under lockprof record; the test suite for 0.1 s)
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static pthread_mutex_t mutex;
static pthread_rwlock_t rwlock;
static pthread_mutex_t slot_mutex;
static pthread_cond_t slot_changed;
static int slot_full, producing_done;
static long handed, received;
static double stop_at;
static long shared_counter, guarded_by_rwlock;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static struct timespec in_seconds(int seconds) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += seconds;
    return t;
}

static void fail(const char *what) {
    fprintf(stderr, "stress: %s\n", what);
    exit(1);
}

typedef struct {
    long mutex, rwlock, reads, slot_mutex, waits, signals;
} counts;

static void *mixer(void *argument) {
    counts *c = argument;
    for (long i = 0; (i & 255) != 0 || now() < stop_at; i++) {
        struct timespec deadline;
        switch (i % 7) {
        case 0:
            pthread_mutex_lock(&mutex);
            shared_counter++, c->mutex++;
            pthread_mutex_unlock(&mutex);
            break;
        case 1:
            if (pthread_mutex_trylock(&mutex) == 0) shared_counter++, c->mutex++, pthread_mutex_unlock(&mutex);
            break;
        case 2:
            deadline = in_seconds(10);
            if (pthread_mutex_timedlock(&mutex, &deadline) != 0) fail("pthread_mutex_timedlock timed out: deadlock");
            shared_counter++, c->mutex++;
            pthread_mutex_unlock(&mutex);
            break;
        case 3:
            pthread_rwlock_rdlock(&rwlock);
            c->rwlock++, c->reads++;
            pthread_rwlock_unlock(&rwlock);
            break;
        case 4:
            if (pthread_rwlock_tryrdlock(&rwlock) == 0) c->rwlock++, c->reads++, pthread_rwlock_unlock(&rwlock);
            if (pthread_rwlock_trywrlock(&rwlock) == 0) guarded_by_rwlock++, c->rwlock++, pthread_rwlock_unlock(&rwlock);
            break;
        case 5:
            deadline = in_seconds(10);
            if (pthread_rwlock_timedrdlock(&rwlock, &deadline) != 0) fail("pthread_rwlock_timedrdlock timed out: deadlock");
            c->rwlock++, c->reads++;
            pthread_rwlock_unlock(&rwlock);
            deadline = in_seconds(10);
            if (pthread_rwlock_timedwrlock(&rwlock, &deadline) != 0) fail("pthread_rwlock_timedwrlock timed out: deadlock");
            guarded_by_rwlock++, c->rwlock++;
            pthread_rwlock_unlock(&rwlock);
            break;
        case 6:
            pthread_rwlock_wrlock(&rwlock);
            guarded_by_rwlock++, c->rwlock++;
            pthread_rwlock_unlock(&rwlock);
            break;
        }
    }
    return NULL;
}

// Waits on slot_changed until `ready()` holds; a timed-out wait with the state unchanged is a lost wake-up.
static void wait_until(counts *c, int (*ready)(void)) {
    while (!ready()) {
        struct timespec deadline = in_seconds(10);
        int result = pthread_cond_timedwait(&slot_changed, &slot_mutex, &deadline);
        c->waits++, c->slot_mutex++;  // the wait re-acquires the mutex, timed out or not
        if (result == ETIMEDOUT && !ready()) fail("pthread_cond_timedwait timed out: lost wake-up");
    }
}
static int slot_is_empty(void) { return !slot_full; }
static int slot_is_full_or_done(void) { return slot_full || producing_done; }

static void *producer(void *argument) {
    counts *c = argument;
    for (;;) {
        int last = now() >= stop_at;
        pthread_mutex_lock(&slot_mutex);
        c->slot_mutex++;
        wait_until(c, slot_is_empty);
        if (last) producing_done = 1; else slot_full = 1, handed++;
        pthread_cond_signal(&slot_changed);
        c->signals++;
        pthread_mutex_unlock(&slot_mutex);
        if (last) return NULL;
    }
}

static void *consumer(void *argument) {
    counts *c = argument;
    for (;;) {
        pthread_mutex_lock(&slot_mutex);
        c->slot_mutex++;
        wait_until(c, slot_is_full_or_done);
        if (!slot_full) { pthread_mutex_unlock(&slot_mutex); return NULL; }
        slot_full = 0, received++;
        pthread_cond_signal(&slot_changed);
        c->signals++;
        pthread_mutex_unlock(&slot_mutex);
    }
}

int main(int argc, char **argv) {
    double seconds = argc == 2 ? atof(argv[1]) : 0;
    if (seconds <= 0) fail("usage: stress SECONDS");
    pthread_mutex_init(&mutex, NULL);
    pthread_rwlock_init(&rwlock, NULL);
    pthread_mutex_init(&slot_mutex, NULL);
    pthread_cond_init(&slot_changed, NULL);
    stop_at = now() + seconds;
    enum { mixers = 6 };
    pthread_t threads[mixers + 2];
    counts per_thread[mixers + 2] = {{0}};
    for (int t = 0; t < mixers; t++) pthread_create(&threads[t], NULL, mixer, &per_thread[t]);
    pthread_create(&threads[mixers], NULL, producer, &per_thread[mixers]);
    pthread_create(&threads[mixers + 1], NULL, consumer, &per_thread[mixers + 1]);
    counts total = {0};
    for (int t = 0; t < mixers + 2; t++) {
        pthread_join(threads[t], NULL);
        total.mutex += per_thread[t].mutex, total.rwlock += per_thread[t].rwlock, total.reads += per_thread[t].reads;
        total.slot_mutex += per_thread[t].slot_mutex, total.waits += per_thread[t].waits, total.signals += per_thread[t].signals;
    }
    if (shared_counter != total.mutex) fail("the mutex let two threads in at once");
    if (guarded_by_rwlock != total.rwlock - total.reads) fail("the rwlock let two writers in at once");
    if (handed != received) fail("an item was lost in the handoff");
    printf("mutex-acquisitions %ld\nrwlock-acquisitions %ld\nrwlock-reads %ld\ncondition-mutex-acquisitions %ld\n"
           "condition-waits %ld\ncondition-signals %ld\nhandoffs %ld\n",
           total.mutex, total.rwlock, total.reads, total.slot_mutex, total.waits, total.signals, handed);
    return 0;
}
