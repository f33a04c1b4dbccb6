// Threads: kernel ids, names, the per-thread ring slot and the hook that hands a ring back when
// its thread exits. Also the process-wide recording flag.
#include "CLockProfSupport.h"

#include <pthread.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

volatile int lockprof_recording_flag = 0;

void lockprof_set_recording(int on) { __atomic_store_n(&lockprof_recording_flag, on, __ATOMIC_RELEASE); }

__thread void *lockprof_thread_ring = NULL;
static __thread uint64_t cached_thread_id = 0;
__thread char lockprof_thread_token_anchor;

__thread uint32_t lockprof_registry_shard_plus_one;
static uint32_t next_registry_shard;

uint32_t lockprof_registry_shard_assign(void) {
    uint32_t shard = __atomic_fetch_add(&next_registry_shard, 1, __ATOMIC_RELAXED) % LOCKPROF_LOCK_REGISTRY_SHARDS;
    lockprof_registry_shard_plus_one = shard + 1;
    return shard;
}

uint64_t lockprof_thread_id(void) {
    if (cached_thread_id == 0) cached_thread_id = (uint64_t)syscall(SYS_gettid);
    return cached_thread_id;
}

void lockprof_thread_forget_id(void) { cached_thread_id = 0; }

int lockprof_thread_name(char *buffer, size_t size) {
    if (size == 0) return -1;
    buffer[0] = 0;
    return pthread_getname_np(pthread_self(), buffer, size);
}

static pthread_key_t exit_key;
static pthread_once_t exit_key_once = PTHREAD_ONCE_INIT;
static void (*exit_callback)(void *) = NULL;

/// Runs at thread exit for threads that own a ring: the ring goes back to the collector and the
/// slot is marked retired, so lock calls made by later thread-exit destructors record nothing
/// rather than touch a ring the collector may free.
static void thread_exiting(void *ring) {
    lockprof_thread_ring = LOCKPROF_RING_RETIRED;
    void (*callback)(void *) = __atomic_load_n(&exit_callback, __ATOMIC_ACQUIRE);
    if (callback && ring) callback(ring);
}

static void make_exit_key(void) { pthread_key_create(&exit_key, thread_exiting); }

void lockprof_set_thread_exit_callback(void (*callback)(void *ring)) {
    __atomic_store_n(&exit_callback, callback, __ATOMIC_RELEASE);
}

void lockprof_set_current_ring(void *ring) {
    pthread_once(&exit_key_once, make_exit_key);
    lockprof_thread_ring = ring;
    pthread_setspecific(exit_key, ring);
}
