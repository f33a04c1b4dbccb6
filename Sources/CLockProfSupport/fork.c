// fork() while recording. The recorder's registries are guarded by the mutexes below (not by
// Swift's Mutex) so that pthread_atfork can take them all before the fork and hand them back
// after it: a child never starts with a registry lock held by a thread that does not exist in it.
//
// Protocol (pthread_atfork):
//   prepare  lock every registry mutex, in index order (the order the code nests them in:
//            session, then the lock registry's 8 shards, then ring registry).
//   parent   unlock them in reverse order; nothing else changes.
//   child    re-initialize them (the forking thread owns them; re-initializing is the reset
//            glibc documents for a child), turn recording off, forget the cached thread id,
//            then call the Swift callback that abandons the parent's session in the child.
#include "CLockProfSupport.h"

#include <pthread.h>

static pthread_mutex_t registry_mutexes[LOCKPROF_REGISTRY_MUTEX_COUNT] = {
    [0 ... LOCKPROF_REGISTRY_MUTEX_COUNT - 1] = PTHREAD_MUTEX_INITIALIZER};
static pthread_once_t fork_handlers_once = PTHREAD_ONCE_INIT;
static void (*fork_child_callback)(void) = NULL;

static void before_fork(void) {
    for (int index = 0; index < LOCKPROF_REGISTRY_MUTEX_COUNT; index++) pthread_mutex_lock(&registry_mutexes[index]);
}

static void after_fork_in_parent(void) {
    for (int index = LOCKPROF_REGISTRY_MUTEX_COUNT - 1; index >= 0; index--)
        pthread_mutex_unlock(&registry_mutexes[index]);
}

static void after_fork_in_child(void) {
    for (int index = 0; index < LOCKPROF_REGISTRY_MUTEX_COUNT; index++)
        pthread_mutex_init(&registry_mutexes[index], NULL);
    lockprof_set_recording(0);
    lockprof_thread_forget_id();
    void (*callback)(void) = __atomic_load_n(&fork_child_callback, __ATOMIC_ACQUIRE);
    if (callback) callback();
}

static void install_fork_handlers(void) { pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child); }

void lockprof_registry_lock(int which) {
    pthread_once(&fork_handlers_once, install_fork_handlers);
    pthread_mutex_lock(&registry_mutexes[which]);
}

void lockprof_registry_unlock(int which) { pthread_mutex_unlock(&registry_mutexes[which]); }

void lockprof_set_fork_child_callback(void (*callback)(void)) {
    pthread_once(&fork_handlers_once, install_fork_handlers);
    __atomic_store_n(&fork_child_callback, callback, __ATOMIC_RELEASE);
}
