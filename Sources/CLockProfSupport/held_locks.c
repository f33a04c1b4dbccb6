// The per-thread stack of held profiled locks that lock-order recording reads (see the header):
// the out-of-line parts — the spill past the fixed array, and removal from anywhere.
//
// Logically one array, index 0 first taken: entries 0…15 in lockprof_held_locks.locks, 16… in
// lockprof_held_spill.locks. Invariant: the spill is non-empty exactly when
// lockprof_held_locks.count == LOCKPROF_HELD_LOCKS_SPILLED, and then the fixed array is full.
// Only the owning thread reads or writes any of it.
#include "CLockProfSupport.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

__thread lockprof_held_locks_t lockprof_held_locks = {0, {0}};
__thread lockprof_held_spill_t lockprof_held_spill = {NULL, 0, 0};

#define SPILL_MAX (LOCKPROF_HELD_LOCKS_MAX - LOCKPROF_HELD_LOCKS_FIXED)

static pthread_key_t spill_key;
static pthread_once_t spill_key_once = PTHREAD_ONCE_INIT;

/// At thread exit: frees the spill. Locks still held then are forgotten, so a later thread-exit
/// destructor that releases one finds nothing (and one that nests deeply allocates anew, which
/// this destructor frees again on glibc's next round).
static void free_spill(void *locks) {
    free(locks);
    lockprof_held_spill = (lockprof_held_spill_t){NULL, 0, 0};
    if (lockprof_held_locks.count == LOCKPROF_HELD_LOCKS_SPILLED) lockprof_held_locks.count = LOCKPROF_HELD_LOCKS_FIXED;
}

static void make_spill_key(void) { pthread_key_create(&spill_key, free_spill); }

/// Room for one more spilled entry: 16 at first, then doubling, never past SPILL_MAX.
static int reserve_spill(void) {
    lockprof_held_spill_t *spill = &lockprof_held_spill;
    if (spill->count < spill->capacity) return 1;
    if (spill->capacity >= SPILL_MAX) return 0;
    uint32_t capacity = spill->capacity == 0 ? LOCKPROF_HELD_LOCKS_FIXED : spill->capacity * 2;
    if (capacity > SPILL_MAX) capacity = SPILL_MAX;
    uint32_t *locks = realloc(spill->locks, capacity * sizeof(uint32_t));
    if (locks == NULL) return 0;
    if (spill->locks == NULL) {
        pthread_once(&spill_key_once, make_spill_key);
        pthread_setspecific(spill_key, locks);
    } else if (locks != spill->locks) {
        pthread_setspecific(spill_key, locks);
    }
    spill->locks = locks;
    spill->capacity = capacity;
    return 1;
}

void lockprof_held_push_deep(uint32_t lock) {
    if (!reserve_spill()) return;
    lockprof_held_spill.locks[lockprof_held_spill.count++] = lock;
    lockprof_held_locks.count = LOCKPROF_HELD_LOCKS_SPILLED;
}

/// Removes the spill's entry at `index`; when the spill empties, the fixed array is the top again.
static void remove_spilled(uint32_t index) {
    lockprof_held_spill_t *spill = &lockprof_held_spill;
    memmove(spill->locks + index, spill->locks + index + 1, (spill->count - index - 1) * sizeof(uint32_t));
    spill->count -= 1;
    if (spill->count == 0) lockprof_held_locks.count = LOCKPROF_HELD_LOCKS_FIXED;
}

void lockprof_held_remove(uint32_t lock) {
    uint32_t count = lockprof_held_locks.count;
    if (count == LOCKPROF_HELD_LOCKS_SPILLED) {
        for (uint32_t index = lockprof_held_spill.count; index > 0; index--) {
            if (lockprof_held_spill.locks[index - 1] == lock) {
                remove_spilled(index - 1);
                return;
            }
        }
        count = LOCKPROF_HELD_LOCKS_FIXED;
    }
    for (uint32_t index = count; index > 0; index--) {
        if (lockprof_held_locks.locks[index - 1] == lock) {
            uint32_t *locks = lockprof_held_locks.locks;
            memmove(locks + index - 1, locks + index, (count - index) * sizeof(uint32_t));
            if (lockprof_held_locks.count == LOCKPROF_HELD_LOCKS_SPILLED) {
                // The fixed array stays full: the spill's first entry moves down into it.
                locks[LOCKPROF_HELD_LOCKS_FIXED - 1] = lockprof_held_spill.locks[0];
                remove_spilled(0);
            } else {
                lockprof_held_locks.count = count - 1;
            }
            return;
        }
    }
}
