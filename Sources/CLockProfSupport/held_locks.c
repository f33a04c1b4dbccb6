// The per-thread stack of held profiled locks that lock-order recording reads (see the header).
#include "CLockProfSupport.h"

__thread lockprof_held_locks_t lockprof_held_locks = {0, {0}};

void lockprof_held_remove(uint32_t lock) {
    uint32_t count = lockprof_held_locks.count;
    for (uint32_t index = count; index > 0; index--) {
        if (lockprof_held_locks.locks[index - 1] == lock) {
            for (uint32_t move = index; move < count; move++) {
                lockprof_held_locks.locks[move - 1] = lockprof_held_locks.locks[move];
            }
            lockprof_held_locks.count = count - 1;
            return;
        }
    }
}
