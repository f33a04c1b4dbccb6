// The interposition library's cost, measured on plain pthread calls through the PLT (what every
// dynamically linked program makes). Modes:
//   uncontended N   one thread, N lock+unlock pairs of one mutex: prints ns per pair
//   uncontended-mt N  the same after a thread was started and joined: glibc then takes its atomic
//                   path (a single-threaded process gets plain stores, bare and preloaded alike)
//   nested N        one thread, N times: lock an outer mutex, lock an inner one, unlock both
//                   (the lock-order path: a pair met again): prints ns per iteration
//   hammer N        two threads, N lock+unlock pairs each on one shared mutex: prints pairs per second
// Run bare and with LD_PRELOAD=liblockprof-preload.so by tools/preload-bench/run.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t shared_mutex = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;
static long rounds;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *hammer(void *unused) {
    (void)unused;
    for (long i = 0; i < rounds; i++) {
        pthread_mutex_lock(&shared_mutex);
        counter++;
        pthread_mutex_unlock(&shared_mutex);
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    rounds = atol(argv[2]);
    if (strcmp(argv[1], "nested") == 0) {
        pthread_mutex_t outer, inner;
        pthread_mutex_init(&outer, NULL);
        pthread_mutex_init(&inner, NULL);
        double start = now();
        for (long i = 0; i < rounds; i++) {
            pthread_mutex_lock(&outer);
            pthread_mutex_lock(&inner);
            counter++;
            pthread_mutex_unlock(&inner);
            pthread_mutex_unlock(&outer);
        }
        printf("%.3f\n", (now() - start) * 1e9 / rounds);
        return counter == rounds ? 0 : 1;
    }
    if (strncmp(argv[1], "uncontended", 11) == 0) {
        if (strcmp(argv[1], "uncontended-mt") == 0) {
            pthread_t other;
            pthread_create(&other, NULL, hammer, NULL);  // rounds of the shared mutex, then gone
            pthread_join(other, NULL);
            counter = 0;
        }
        pthread_mutex_t mutex;
        pthread_mutex_init(&mutex, NULL);
        double start = now();
        for (long i = 0; i < rounds; i++) {
            pthread_mutex_lock(&mutex);
            counter++;
            pthread_mutex_unlock(&mutex);
        }
        printf("%.3f\n", (now() - start) * 1e9 / rounds);
    } else {
        pthread_t threads[2];
        double start = now();
        for (int t = 0; t < 2; t++) pthread_create(&threads[t], NULL, hammer, NULL);
        for (int t = 0; t < 2; t++) pthread_join(threads[t], NULL);
        printf("%.0f\n", 2.0 * rounds / (now() - start));
    }
    return counter == (strncmp(argv[1], "uncontended", 11) == 0 ? rounds : 2 * rounds) ? 0 : 1;
}
